<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>Areas</name>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="38" />
        <source>Agenda</source>
        <translation>Agenda</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="48" />
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="58" />
        <source>Telemonitoring</source>
        <translation>Telemonitoraggio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="68" />
        <source>Devices</source>
        <translation>Dispositivi</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="78" />
        <source>Calls</source>
        <translation>Chiamate</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="88" />
        <source>Teleconsults</source>
        <translation>Teleconsulti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="26" />
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="15" />
        <source>Sync status</source>
        <translation>Sincronizzazione</translation>
    </message>
</context>
<context>
    <name>DiagnosticsPanel</name>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="52" />
        <source>Diagnostics for the help desk (no patient data)</source>
        <translation>Diagnostica per l'assistenza (nessun dato del paziente)</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="53" />
        <source>&amp;Run diagnostics</source>
        <translation>&amp;Esegui la diagnostica</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="54" />
        <source>Run diagnostics</source>
        <translation>Esegui la diagnostica</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="55" />
        <source>&amp;Export bundle...</source>
        <translation>Esp&amp;orta il pacchetto...</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="56" />
        <source>Export the diagnostic bundle</source>
        <translation>Esporta il pacchetto diagnostico</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="57" />
        <source>Diagnostic report</source>
        <translation>Rapporto diagnostico</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="66" />
        <source>Running the checks...</source>
        <translation>Verifiche in corso...</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="82" />
        <source>Diagnostics failed: %1</source>
        <translation>Diagnostica non riuscita: %1</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="90" />
        <source>Export diagnostic bundle</source>
        <translation>Esporta il pacchetto diagnostico</translation>
    </message>
    <message>
        <location filename="../../ui/diagnostics_panel.py" line="111" />
        <source>Bundle written to %1</source>
        <translation>Pacchetto scritto in %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="116" />
        <source>Online</source>
        <translation>In linea</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="117" />
        <source>Connecting...</source>
        <translation>Connessione in corso...</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="118" />
        <source>Offline</source>
        <translation>Non in linea</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="121" />
        <source>Connection: %1</source>
        <translation>Connessione: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="122" />
        <source>To send: %1</source>
        <translation>Da inviare: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="130" />
        <source>Operation failed</source>
        <translation>Operazione non riuscita</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="131" />
        <source>%1 did not complete: %2.</source>
        <translation>%1 non completata: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="136" />
        <source> - DEMO</source>
        <translation> - DIMOSTRAZIONE</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="137" />
        <source>Telemedicine workstation</source>
        <translation>Postazione di telemedicina</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="138" />
        <source>Areas</source>
        <translation>Aree</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="139" />
        <source>Use the arrow keys or Ctrl+1 to Ctrl+8</source>
        <translation>Usare i tasti freccia oppure da Ctrl+1 a Ctrl+8</translation>
    </message>
</context>
<context>
    <name>PlannedArea</name>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="40" />
        <source>Today's televisits, teleassistance sessions and teleconsult requests.</source>
        <translation>Televisite, sedute di teleassistenza e richieste di teleconsulto di oggi.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="50" />
        <source>Patient search, consents, care plan, devices and last readings.</source>
        <translation>Ricerca del paziente, consensi, piano di cura, dispositivi e ultime misurazioni.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="60" />
        <source>Alerts by urgency and trends of the monitored parameters.</source>
        <translation>Allarmi per urgenza e andamento dei parametri monitorati.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="70" />
        <source>Bluetooth medical devices: pairing, association and measurements.</source>
        <translation>Dispositivi medici Bluetooth: abbinamento, associazione e misurazioni.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="80" />
        <source>Televisit and teleassistance video calls with chat and live vitals.</source>
        <translation>Videochiamate di televisita e teleassistenza con chat e parametri vitali in diretta.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/placeholder.py" line="90" />
        <source>Requests to and from specialists, with shared data and replies.</source>
        <translation>Richieste da e verso gli specialisti, con dati condivisi e risposte.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/pages/settings.py" line="83" />
        <source>&amp;Language</source>
        <translation>&amp;Lingua</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="84" />
        <source>Same as the system</source>
        <translation>Come il sistema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="86" />
        <source>Language</source>
        <translation>Lingua</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="87" />
        <source>Auto-&amp;lock after (minutes)</source>
        <translation>&amp;Blocco automatico dopo (minuti)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="88" />
        <source>Auto-lock after minutes of inactivity</source>
        <translation>Blocco automatico dopo minuti di inattività</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="89" />
        <source>Regional &amp;backend</source>
        <translation>&amp;Servizio regionale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="90" />
        <source>Regional backend address</source>
        <translation>Indirizzo del servizio regionale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="91" />
        <source>&amp;Apply</source>
        <translation>&amp;Applica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="92" />
        <source>Apply settings</source>
        <translation>Applica le impostazioni</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="93" />
        <source>Settings status</source>
        <translation>Stato delle impostazioni</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="94" />
        <source>Check for &amp;updates</source>
        <translation>Verifica &amp;aggiornamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="95" />
        <source>Check for updates</source>
        <translation>Verifica aggiornamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="96" />
        <source>Open the &amp;download page</source>
        <translation>Apri la pagina di &amp;download</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="97" />
        <source>Open the download page in the browser</source>
        <translation>Apri la pagina di download nel browser</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="98" />
        <source>Update status</source>
        <translation>Stato degli aggiornamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="129" />
        <source>Settings saved.</source>
        <translation>Impostazioni salvate.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="133" />
        <source>Settings not saved: %1</source>
        <translation>Impostazioni non salvate: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="139" />
        <source>No update address is configured.</source>
        <translation>Nessun indirizzo per gli aggiornamenti è configurato.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="142" />
        <source>Checking...</source>
        <translation>Verifica in corso...</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="155" />
        <source>Version %1 is available (this is %2).</source>
        <translation>È disponibile la versione %1 (questa è la %2).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="161" />
        <source>This is the latest version.</source>
        <translation>Questa è la versione più recente.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/settings.py" line="166" />
        <source>Update check failed: %1</source>
        <translation>Verifica degli aggiornamenti non riuscita: %1</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../ui/pages/sync.py" line="56" />
        <source>Regional backend</source>
        <translation>Servizio regionale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="57" />
        <source>Items waiting to be sent</source>
        <translation>Elementi in attesa di invio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="58" />
        <source>Items that need attention</source>
        <translation>Elementi da verificare</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="59" />
        <source>Last successful sync</source>
        <translation>Ultima sincronizzazione riuscita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="60" />
        <source>Sending progress</source>
        <translation>Avanzamento dell'invio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="65" />
        <source>Online</source>
        <translation>In linea</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="66" />
        <source>Connecting...</source>
        <translation>Connessione in corso...</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="67" />
        <source>Offline: work is saved on this computer</source>
        <translation>Non in linea: il lavoro è salvato su questo computer</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="81" />
        <source>never</source>
        <translation>mai</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>the regional server&apos;s certificate is not trusted</source>
        <translation>il certificato del server regionale non è attendibile</translation>
    </message>
    <message>
        <source>the regional server did not answer in time</source>
        <translation>il server regionale non ha risposto in tempo</translation>
    </message>
    <message>
        <source>the regional server cannot be reached</source>
        <translation>il server regionale non è raggiungibile</translation>
    </message>
    <message>
        <source>your sign-in has expired: sign in again</source>
        <translation>il tuo accesso è scaduto: accedi di nuovo</translation>
    </message>
    <message>
        <source>your account is not allowed to do this</source>
        <translation>il tuo account non è autorizzato a farlo</translation>
    </message>
    <message>
        <source>it no longer exists on the regional server</source>
        <translation>non esiste più sul server regionale</translation>
    </message>
    <message>
        <source>someone else changed it meanwhile</source>
        <translation>qualcun altro l&apos;ha modificato nel frattempo</translation>
    </message>
    <message>
        <source>the regional server is busy</source>
        <translation>il server regionale è sovraccarico</translation>
    </message>
    <message>
        <source>the regional server had a problem</source>
        <translation>il server regionale ha avuto un problema</translation>
    </message>
    <message>
        <source>the regional server refused it (HTTP %1)</source>
        <translation>il server regionale l&apos;ha rifiutato (HTTP %1)</translation>
    </message>
    <message>
        <source>the regional server&apos;s answer could not be read</source>
        <translation>la risposta del server regionale non è leggibile</translation>
    </message>
    <message>
        <source>your encrypted store is not open: sign in or unlock</source>
        <translation>il tuo archivio cifrato non è aperto: accedi o sblocca</translation>
    </message>
</context>
</TS>