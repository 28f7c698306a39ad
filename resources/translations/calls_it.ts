<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>CallWindow</name>
    <message>
        <location filename="../../ui/call_window.py" line="185"/>
        <source>Microphone off</source>
        <translation>Microfono spento</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="185"/>
        <source>Microphone on</source>
        <translation>Microfono acceso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="187"/>
        <source>Mute microphone (Ctrl+D)</source>
        <translation>Disattiva il microfono (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="188"/>
        <source>Mute or unmute your microphone (Ctrl+D)</source>
        <translation>Disattiva o riattiva il microfono (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="190"/>
        <location filename="../../ui/call_window.py" line="237"/>
        <source>Camera off</source>
        <translation>Videocamera spenta</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="190"/>
        <source>Camera on</source>
        <translation>Videocamera accesa</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="192"/>
        <source>Turn camera off (Ctrl+E)</source>
        <translation>Spegni la videocamera (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="193"/>
        <source>Turn your camera off or on (Ctrl+E)</source>
        <translation>Spegni o accendi la videocamera (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="194"/>
        <source>Hang up</source>
        <translation>Riaggancia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="195"/>
        <source>Hang up (Ctrl+Shift+H)</source>
        <translation>Riaggancia (Ctrl+Maiusc+H)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="196"/>
        <source>End the call (Ctrl+Shift+H)</source>
        <translation>Termina la chiamata (Ctrl+Maiusc+H)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="199"/>
        <source>Automatic quality</source>
        <translation>Qualità automatica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="200"/>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="201"/>
        <source>Low video</source>
        <translation>Video ridotto</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="202"/>
        <source>Audio only</source>
        <translation>Solo audio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="203"/>
        <source>Chat only</source>
        <translation>Solo chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="205"/>
        <source>Call quality level</source>
        <translation>Livello di qualità della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="207"/>
        <source>Force a lower level on a weak network; the visit goes on</source>
        <translation>Imponga un livello più basso su una rete debole; la visita continua</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="209"/>
        <source>Share document...</source>
        <translation>Condividi documento...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="210"/>
        <source>Share a document or image with the patient</source>
        <translation>Condividi un documento o un'immagine con il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="214"/>
        <source>SpO2</source>
        <translation>SpO2</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="215"/>
        <source>Heart rate</source>
        <translation>Frequenza cardiaca</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="216"/>
        <source>Systolic pressure</source>
        <translation>Pressione sistolica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="217"/>
        <source>Diastolic pressure</source>
        <translation>Pressione diastolica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="218"/>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="219"/>
        <source>Glucose</source>
        <translation>Glicemia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="220"/>
        <source>Weight</source>
        <translation>Peso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="225"/>
        <source>Reading to show</source>
        <translation>Misura da mostrare</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="226"/>
        <source>Reading value</source>
        <translation>Valore della misura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="227"/>
        <source>Show reading</source>
        <translation>Mostra misura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="228"/>
        <source>Show the reading on both sides of the call</source>
        <translation>Mostra la misura a entrambi i partecipanti</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="229"/>
        <source>Chat messages</source>
        <translation>Messaggi della chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="230"/>
        <source>Chat message (Ctrl+Shift+C)</source>
        <translation>Messaggio di chat (Ctrl+Maiusc+C)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="231"/>
        <source>Write to the patient</source>
        <translation>Scriva al paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="232"/>
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="233"/>
        <source>Send chat message</source>
        <translation>Invia il messaggio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="234"/>
        <source>Patient video</source>
        <translation>Video del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="235"/>
        <source>Waiting for the patient&apos;s video</source>
        <translation>In attesa del video del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="236"/>
        <source>Your camera</source>
        <translation>La sua videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="238"/>
        <source>Call duration</source>
        <translation>Durata della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="239"/>
        <source>Call quality</source>
        <translation>Qualità della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="240"/>
        <source>Call state</source>
        <translation>Stato della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="244"/>
        <source>Starting...</source>
        <translation>Avvio...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="245"/>
        <source>Waiting for the patient to join</source>
        <translation>In attesa che il paziente si colleghi</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="246"/>
        <source>Connecting...</source>
        <translation>Connessione...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="247"/>
        <source>Connected</source>
        <translation>Connesso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="248"/>
        <source>Weak connection: reconnecting...</source>
        <translation>Connessione debole: riconnessione...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="249"/>
        <source>Call ended</source>
        <translation>Chiamata terminata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="250"/>
        <source>Call failed</source>
        <translation>Chiamata non riuscita</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="270"/>
        <source>Microphone not changed: %1</source>
        <translation>Microfono non modificato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="276"/>
        <source>Camera not changed: %1</source>
        <translation>Videocamera non modificata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="283"/>
        <source>Level not changed: %1</source>
        <translation>Livello non modificato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="291"/>
        <source>Message not sent: %1</source>
        <translation>Messaggio non inviato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="299"/>
        <source>Reading not shown: %1</source>
        <translation>Misura non mostrata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="305"/>
        <source>Share a document</source>
        <translation>Condividi un documento</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="307"/>
        <source>Documents and images (*.pdf *.png *.jpg *.jpeg)</source>
        <translation>Documenti e immagini (*.pdf *.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="317"/>
        <source>The document cannot be read.</source>
        <translation>Il documento non è leggibile.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="320"/>
        <source>The document is larger than 5 MB: share a smaller file.</source>
        <translation>Il documento supera 5 MB: condivida un file più piccolo.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="329"/>
        <source>Sending %1...</source>
        <translation>Invio di %1...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="334"/>
        <source>%1 shared with the patient.</source>
        <translation>%1 condiviso con il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="338"/>
        <source>Document not shared: %1</source>
        <translation>Documento non condiviso: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="351"/>
        <source>Hang-up problem: %1</source>
        <translation>Problema nel riagganciare: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="358"/>
        <source>The call failed: %1</source>
        <translation>La chiamata non è riuscita: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="361"/>
        <source>You</source>
        <translation>Lei</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="361"/>
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="371"/>
        <source>The patient shared %1 (%2 kB).</source>
        <translation>Il paziente ha condiviso %1 (%2 kB).</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="377"/>
        <source>good</source>
        <translation>buona</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="377"/>
        <source>fair</source>
        <translation>discreta</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="377"/>
        <source>poor</source>
        <translation>scarsa</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="384"/>
        <source>Quality: %1 (RTT %2 ms, loss %3%, %4 kbit/s, %5 fps)</source>
        <translation>Qualità: %1 (RTT %2 ms, perdita %3%, %4 kbit/s, %5 fps)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="395"/>
        <source>video</source>
        <translation>video</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="396"/>
        <source>low video</source>
        <translation>video ridotto</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="397"/>
        <source>audio only</source>
        <translation>solo audio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="398"/>
        <source>chat only</source>
        <translation>solo chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="409"/>
        <source>The visit&apos;s encounter was saved for sending.</source>
        <translation>Il contatto della visita è stato salvato per l'invio.</translation>
    </message>
</context>
<context>
    <name>CallsPage</name>
    <message>
        <location filename="../../ui/pages/calls.py" line="203"/>
        <source>Run the technical pre-check, start the call, then send the patient the link. The patient joins from a browser.</source>
        <translation>Esegua la verifica tecnica, avvii la chiamata e invii il link al paziente. Il paziente si collega da un browser.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="207"/>
        <location filename="../../ui/pages/calls.py" line="217"/>
        <source>Patient id</source>
        <translation>Codice paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="208"/>
        <location filename="../../ui/pages/calls.py" line="224"/>
        <source>Service</source>
        <translation>Prestazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="209"/>
        <location filename="../../ui/pages/calls.py" line="232"/>
        <source>Camera</source>
        <translation>Videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="210"/>
        <location filename="../../ui/pages/calls.py" line="238"/>
        <source>Microphone</source>
        <translation>Microfono</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="211"/>
        <source>Network</source>
        <translation>Rete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="218"/>
        <source>e.g. pat-001</source>
        <translation>es. pat-001</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="221"/>
        <source>Televisit</source>
        <translation>Televisita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="222"/>
        <source>Teleassistance</source>
        <translation>Teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="229"/>
        <source>Test picture (synthetic)</source>
        <translation>Immagine di prova (sintetica)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="235"/>
        <source>Test tone (synthetic)</source>
        <translation>Tono di prova (sintetico)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="236"/>
        <source>System microphone</source>
        <translation>Microfono di sistema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="239"/>
        <source>Always through the relay server (strict firewalls)</source>
        <translation>Sempre tramite il server relay (firewall restrittivi)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="240"/>
        <source>Force relay server</source>
        <translation>Forza il server relay</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="241"/>
        <source>Technical pre-check</source>
        <translation>Verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="242"/>
        <source>Run the technical pre-check</source>
        <translation>Esegui la verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="243"/>
        <source>Start call</source>
        <translation>Avvia chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="244"/>
        <source>Start the call and create the patient&apos;s link</source>
        <translation>Avvia la chiamata e crea il link per il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="245"/>
        <source>Patient&apos;s link</source>
        <translation>Link del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="246"/>
        <source>The patient&apos;s link appears here</source>
        <translation>Qui compare il link per il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="247"/>
        <source>Copy link</source>
        <translation>Copia link</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="248"/>
        <source>Copy the patient&apos;s link</source>
        <translation>Copia il link del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="249"/>
        <source>Call status</source>
        <translation>Stato della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="260"/>
        <source>Requested from the agenda: run the pre-check, then start the call.</source>
        <translation>Richiesta dall'agenda: esegua la verifica tecnica, poi avvii la chiamata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="267"/>
        <source>Teleassistance requested from an alert: start the call.</source>
        <translation>Teleassistenza richiesta da un allarme: avvii la chiamata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="284"/>
        <source>Enter the patient first.</source>
        <translation>Indichi prima il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="288"/>
        <source>A call is already running.</source>
        <translation>Una chiamata è già in corso.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="296"/>
        <source>Preparing the call...</source>
        <translation>Preparazione della chiamata...</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="312"/>
        <source>Waiting for the patient: send them the link.</source>
        <translation>In attesa del paziente: gli invii il link.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="313"/>
        <source>Call with %1</source>
        <translation>Chiamata con %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="323"/>
        <source>The call could not start: %1</source>
        <translation>Impossibile avviare la chiamata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="328"/>
        <source>Link copied.</source>
        <translation>Link copiato.</translation>
    </message>
</context>
<context>
    <name>PrecheckDialog</name>
    <message>
        <location filename="../../ui/pages/calls.py" line="79"/>
        <location filename="../../ui/pages/calls.py" line="80"/>
        <source>Technical pre-check</source>
        <translation>Verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="83"/>
        <source>Pre-check in progress</source>
        <translation>Verifica tecnica in corso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="86"/>
        <source>Check</source>
        <translation>Verifica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="86"/>
        <source>Result</source>
        <translation>Esito</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="86"/>
        <source>Detail</source>
        <translation>Dettaglio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="88"/>
        <source>Pre-check results</source>
        <translation>Esiti della verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="110"/>
        <source>Camera</source>
        <translation>Videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="111"/>
        <source>Microphone</source>
        <translation>Microfono</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="112"/>
        <source>Connection to the video service</source>
        <translation>Collegamento al servizio video</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="113"/>
        <source>Relay server (TURN)</source>
        <translation>Server relay (TURN)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="116"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="117"/>
        <source>Warning</source>
        <translation>Attenzione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="118"/>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="119"/>
        <source>Not run</source>
        <translation>Non eseguita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="131"/>
        <source>Everything works: the televisit can start.</source>
        <translation>Tutto funziona: la televisita può iniziare.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="135"/>
        <source>The link is not adequate: fix the problems or reschedule the visit (or convert it to in person).</source>
        <translation>Il collegamento non è adeguato: risolva i problemi o riprogrammi la visita (o la converta in presenza).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="141"/>
        <source>The pre-check could not run: %1</source>
        <translation>Impossibile eseguire la verifica tecnica: %1</translation>
    </message>
</context>
</TS>
