<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>CallWindow</name>
    <message>
        <location filename="../../ui/call_window.py" line="205"/>
        <source>No speaker found: you will not hear the patient.</source>
        <translation>Nessun altoparlante trovato: non sentirà il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="231"/>
        <source>Microphone off</source>
        <translation>Microfono spento</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="231"/>
        <source>Microphone on</source>
        <translation>Microfono acceso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="233"/>
        <source>Mute microphone (Ctrl+D)</source>
        <translation>Disattiva il microfono (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="234"/>
        <source>Mute or unmute your microphone (Ctrl+D)</source>
        <translation>Disattiva o riattiva il microfono (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="236"/>
        <location filename="../../ui/call_window.py" line="283"/>
        <source>Camera off</source>
        <translation>Videocamera spenta</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="236"/>
        <source>Camera on</source>
        <translation>Videocamera accesa</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="238"/>
        <source>Turn camera off (Ctrl+E)</source>
        <translation>Spegni la videocamera (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="239"/>
        <source>Turn your camera off or on (Ctrl+E)</source>
        <translation>Spegni o accendi la videocamera (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="240"/>
        <source>Hang up</source>
        <translation>Riaggancia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="241"/>
        <source>Hang up (Ctrl+Shift+H)</source>
        <translation>Riaggancia (Ctrl+Maiusc+H)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="242"/>
        <source>End the call (Ctrl+Shift+H)</source>
        <translation>Termina la chiamata (Ctrl+Maiusc+H)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="245"/>
        <source>Automatic quality</source>
        <translation>Qualità automatica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="246"/>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="247"/>
        <source>Low video</source>
        <translation>Video ridotto</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="248"/>
        <source>Audio only</source>
        <translation>Solo audio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="249"/>
        <source>Chat only</source>
        <translation>Solo chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="251"/>
        <source>Call quality level</source>
        <translation>Livello di qualità della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="253"/>
        <source>Force a lower level on a weak network; the visit goes on</source>
        <translation>Imponga un livello più basso su una rete debole; la visita continua</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="255"/>
        <source>Share document...</source>
        <translation>Condividi documento...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="256"/>
        <source>Share a document or image with the patient</source>
        <translation>Condividi un documento o un&apos;immagine con il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="260"/>
        <source>SpO2</source>
        <translation>SpO2</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="261"/>
        <source>Heart rate</source>
        <translation>Frequenza cardiaca</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="262"/>
        <source>Systolic pressure</source>
        <translation>Pressione sistolica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="263"/>
        <source>Diastolic pressure</source>
        <translation>Pressione diastolica</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="264"/>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="265"/>
        <source>Glucose</source>
        <translation>Glicemia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="266"/>
        <source>Weight</source>
        <translation>Peso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="271"/>
        <source>Reading to show</source>
        <translation>Misura da mostrare</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="272"/>
        <source>Reading value</source>
        <translation>Valore della misura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="273"/>
        <source>Show reading</source>
        <translation>Mostra misura</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="274"/>
        <source>Show the reading on both sides of the call</source>
        <translation>Mostra la misura a entrambi i partecipanti</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="275"/>
        <source>Chat messages</source>
        <translation>Messaggi della chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="276"/>
        <source>Chat message (Ctrl+Shift+C)</source>
        <translation>Messaggio di chat (Ctrl+Maiusc+C)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="277"/>
        <source>Write to the patient</source>
        <translation>Scriva al paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="278"/>
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="279"/>
        <source>Send chat message</source>
        <translation>Invia il messaggio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="280"/>
        <source>Patient video</source>
        <translation>Video del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="281"/>
        <source>Waiting for the patient&apos;s video</source>
        <translation>In attesa del video del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="282"/>
        <source>Your camera</source>
        <translation>La sua videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="284"/>
        <source>Call duration</source>
        <translation>Durata della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="285"/>
        <source>Call quality</source>
        <translation>Qualità della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="286"/>
        <source>Call state</source>
        <translation>Stato della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="290"/>
        <source>Starting...</source>
        <translation>Avvio...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="291"/>
        <source>Waiting for the patient to join</source>
        <translation>In attesa che il paziente si colleghi</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="292"/>
        <source>Connecting...</source>
        <translation>Connessione...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="293"/>
        <source>Connected</source>
        <translation>Connesso</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="294"/>
        <source>Weak connection: reconnecting...</source>
        <translation>Connessione debole: riconnessione...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="295"/>
        <source>Call ended</source>
        <translation>Chiamata terminata</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="296"/>
        <source>Call failed</source>
        <translation>Chiamata non riuscita</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="316"/>
        <source>Microphone not changed: %1</source>
        <translation>Microfono non modificato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="322"/>
        <source>Camera not changed: %1</source>
        <translation>Videocamera non modificata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="329"/>
        <source>Level not changed: %1</source>
        <translation>Livello non modificato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="337"/>
        <source>Message not sent: %1</source>
        <translation>Messaggio non inviato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="345"/>
        <source>Reading not shown: %1</source>
        <translation>Misura non mostrata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="351"/>
        <source>Share a document</source>
        <translation>Condividi un documento</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="353"/>
        <source>Documents and images (*.pdf *.png *.jpg *.jpeg)</source>
        <translation>Documenti e immagini (*.pdf *.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="363"/>
        <source>The document cannot be read.</source>
        <translation>Il documento non è leggibile.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="366"/>
        <source>The document is larger than 5 MB: share a smaller file.</source>
        <translation>Il documento supera 5 MB: condivida un file più piccolo.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="375"/>
        <source>Sending %1...</source>
        <translation>Invio di %1...</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="380"/>
        <source>%1 shared with the patient.</source>
        <translation>%1 condiviso con il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="384"/>
        <source>Document not shared: %1</source>
        <translation>Documento non condiviso: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="397"/>
        <source>Hang-up problem: %1</source>
        <translation>Problema nel riagganciare: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="404"/>
        <source>The call failed: %1</source>
        <translation>La chiamata non è riuscita: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="407"/>
        <source>You</source>
        <translation>Lei</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="407"/>
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="417"/>
        <source>The patient shared %1 (%2 kB).</source>
        <translation>Il paziente ha condiviso %1 (%2 kB).</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="423"/>
        <source>good</source>
        <translation>buona</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="423"/>
        <source>fair</source>
        <translation>discreta</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="423"/>
        <source>poor</source>
        <translation>scarsa</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="430"/>
        <source>Quality: %1 (RTT %2 ms, loss %3%, %4 kbit/s, %5 fps)</source>
        <translation>Qualità: %1 (RTT %2 ms, perdita %3%, %4 kbit/s, %5 fps)</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="441"/>
        <source>video</source>
        <translation>video</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="442"/>
        <source>low video</source>
        <translation>video ridotto</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="443"/>
        <source>audio only</source>
        <translation>solo audio</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="444"/>
        <source>chat only</source>
        <translation>solo chat</translation>
    </message>
    <message>
        <location filename="../../ui/call_window.py" line="455"/>
        <source>The visit&apos;s encounter was saved for sending.</source>
        <translation>Il contatto della visita è stato salvato per l&apos;invio.</translation>
    </message>
</context>
<context>
    <name>CallsPage</name>
    <message>
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <source>Looking up the patient...</source>
        <translation>Ricerca del paziente...</translation>
    </message>
    <message>
        <source>%1, born %2</source>
        <translation>%1, nato/a il %2</translation>
    </message>
    <message>
        <source>No patient with this id in the regional registry: check it.</source>
        <translation>Nessun paziente con questo identificativo nell&apos;anagrafe regionale: controllalo.</translation>
    </message>
    <message>
        <source>The patient cannot be checked (%1).</source>
        <translation>Non è possibile verificare il paziente (%1).</translation>
    </message>
    <message>
        <source>Looking up the patient</source>
        <translation>Ricerca del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="204"/>
        <source>Run the technical pre-check, start the call, then send the patient the link. The patient joins from a browser.</source>
        <translation>Esegua la verifica tecnica, avvii la chiamata e invii il link al paziente. Il paziente si collega da un browser.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="208"/>
        <location filename="../../ui/pages/calls.py" line="218"/>
        <source>Patient id</source>
        <translation>Codice paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="209"/>
        <location filename="../../ui/pages/calls.py" line="225"/>
        <source>Service</source>
        <translation>Prestazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="210"/>
        <location filename="../../ui/pages/calls.py" line="233"/>
        <source>Camera</source>
        <translation>Videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="211"/>
        <location filename="../../ui/pages/calls.py" line="239"/>
        <source>Microphone</source>
        <translation>Microfono</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="212"/>
        <source>Network</source>
        <translation>Rete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="219"/>
        <source>e.g. pat-001</source>
        <translation>es. pat-001</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="222"/>
        <source>Televisit</source>
        <translation>Televisita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="223"/>
        <source>Teleassistance</source>
        <translation>Teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="230"/>
        <source>Test picture (synthetic)</source>
        <translation>Immagine di prova (sintetica)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="236"/>
        <source>Test tone (synthetic)</source>
        <translation>Tono di prova (sintetico)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="237"/>
        <source>System microphone</source>
        <translation>Microfono di sistema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="240"/>
        <source>Always through the relay server (strict firewalls)</source>
        <translation>Sempre tramite il server relay (firewall restrittivi)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="241"/>
        <source>Force relay server</source>
        <translation>Forza il server relay</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="242"/>
        <source>Technical pre-check</source>
        <translation>Verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="243"/>
        <source>Run the technical pre-check</source>
        <translation>Esegui la verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="244"/>
        <source>Start call</source>
        <translation>Avvia chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="245"/>
        <source>Start the call and create the patient&apos;s link</source>
        <translation>Avvia la chiamata e crea il link per il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="246"/>
        <source>Patient&apos;s link</source>
        <translation>Link del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="247"/>
        <source>The patient&apos;s link appears here</source>
        <translation>Qui compare il link per il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="248"/>
        <source>Copy link</source>
        <translation>Copia link</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="249"/>
        <source>Copy the patient&apos;s link</source>
        <translation>Copia il link del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="250"/>
        <source>Call status</source>
        <translation>Stato della chiamata</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="261"/>
        <source>Requested from the agenda: run the pre-check, then start the call.</source>
        <translation>Richiesta dall&apos;agenda: esegua la verifica tecnica, poi avvii la chiamata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="268"/>
        <source>Teleassistance requested from an alert: start the call.</source>
        <translation>Teleassistenza richiesta da un allarme: avvii la chiamata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="285"/>
        <source>Enter the patient first.</source>
        <translation>Indichi prima il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="289"/>
        <location filename="../../ui/pages/calls.py" line="308"/>
        <source>A call is already running.</source>
        <translation>Una chiamata è già in corso.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="311"/>
        <source>Preparing the call...</source>
        <translation>Preparazione della chiamata...</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="327"/>
        <source>Waiting for the patient: send them the link.</source>
        <translation>In attesa del paziente: gli invii il link.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="328"/>
        <source>Call with %1</source>
        <translation>Chiamata con %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="338"/>
        <source>The call could not start: %1</source>
        <translation>Impossibile avviare la chiamata: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="343"/>
        <source>Link copied.</source>
        <translation>Link copiato.</translation>
    </message>
</context>
<context>
    <name>PrecheckDialog</name>
    <message>
        <location filename="../../ui/pages/calls.py" line="80"/>
        <location filename="../../ui/pages/calls.py" line="81"/>
        <source>Technical pre-check</source>
        <translation>Verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="84"/>
        <source>Pre-check in progress</source>
        <translation>Verifica tecnica in corso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="87"/>
        <source>Check</source>
        <translation>Verifica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="87"/>
        <source>Result</source>
        <translation>Esito</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="87"/>
        <source>Detail</source>
        <translation>Dettaglio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="89"/>
        <source>Pre-check results</source>
        <translation>Esiti della verifica tecnica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="111"/>
        <source>Camera</source>
        <translation>Videocamera</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="112"/>
        <source>Microphone</source>
        <translation>Microfono</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="113"/>
        <source>Connection to the video service</source>
        <translation>Collegamento al servizio video</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="114"/>
        <source>Relay server (TURN)</source>
        <translation>Server relay (TURN)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="117"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="118"/>
        <source>Warning</source>
        <translation>Attenzione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="119"/>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="120"/>
        <source>Not run</source>
        <translation>Non eseguita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="132"/>
        <source>Everything works: the televisit can start.</source>
        <translation>Tutto funziona: la televisita può iniziare.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="136"/>
        <source>The link is not adequate: fix the problems or reschedule the visit (or convert it to in person).</source>
        <translation>Il collegamento non è adeguato: risolva i problemi o riprogrammi la visita (o la converta in presenza).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/calls.py" line="142"/>
        <source>The pre-check could not run: %1</source>
        <translation>Impossibile eseguire la verifica tecnica: %1</translation>
    </message>
</context>
</TS>
