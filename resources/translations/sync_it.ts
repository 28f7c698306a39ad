<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>SyncPage</name>
    <message>
        <source>&amp;Print...</source>
        <translation>&amp;Stampa...</translation>
    </message>
    <message>
        <source>Print the recovery key</source>
        <translation>Stampa la chiave di recupero</translation>
    </message>
    <message>
        <source>Keep this sheet in a safe place, away from the computer. With it, the offline data of this clinician on this computer can be opened if the system keyring loses its key.</source>
        <translation>Conserva questo foglio in un luogo sicuro, lontano dal computer. Con esso si possono aprire i dati offline di questo operatore su questo computer se il portachiavi di sistema ne perde la chiave.</translation>
    </message>
    <message>
        <source>No system keyring is available, and health data is stored only encrypted with its key there. On Linux install and unlock a Secret Service provider (gnome-keyring or KeePassXC); on Windows use a normal user session; on macOS unlock the login Keychain.</source>
        <translation>Non è disponibile un portachiavi di sistema, e i dati sanitari sono salvati solo cifrati con la chiave custodita lì. Su Linux installa e sblocca un fornitore Secret Service (gnome-keyring o KeePassXC); su Windows usa una normale sessione utente; su macOS sblocca il portachiavi login.</translation>
    </message>
    <message>
        <source>The system keyring no longer holds the key of your offline data. Nothing is lost: open it with your recovery key.</source>
        <translation>Il portachiavi di sistema non contiene più la chiave dei tuoi dati offline. Non è andato perso nulla: aprili con la tua chiave di recupero.</translation>
    </message>
    <message>
        <source>The key in the system keyring does not open your offline data. Nothing is lost: open it with your recovery key.</source>
        <translation>La chiave nel portachiavi di sistema non apre i tuoi dati offline. Non è andato perso nulla: aprili con la tua chiave di recupero.</translation>
    </message>
    <message>
        <source>Your offline data file is damaged. It is kept untouched: call the help desk (Settings, Diagnostics).</source>
        <translation>Il file dei tuoi dati offline è danneggiato. È conservato intatto: contatta l&apos;assistenza (Impostazioni, Diagnostica).</translation>
    </message>
    <message>
        <source>The offline data file is not encrypted and was refused. It is kept untouched: call the help desk (Settings, Diagnostics).</source>
        <translation>Il file dei dati offline non è cifrato ed è stato rifiutato. È conservato intatto: contatta l&apos;assistenza (Impostazioni, Diagnostica).</translation>
    </message>
    <message>
        <source>Your offline data was written by a newer version of the workstation: update it.</source>
        <translation>I tuoi dati offline sono stati scritti da una versione più recente della postazione: aggiornala.</translation>
    </message>
    <message>
        <source>Your offline data could not be upgraded to this version and was not changed: call the help desk (Settings, Diagnostics).</source>
        <translation>Non è stato possibile aggiornare i tuoi dati offline a questa versione e non sono stati modificati: contatta l&apos;assistenza (Impostazioni, Diagnostica).</translation>
    </message>
    <message>
        <source>Demo without a system keyring: this session&apos;s work is stored encrypted with a key kept in memory, and deleted when you quit.</source>
        <translation>Demo senza portachiavi di sistema: il lavoro di questa sessione è salvato cifrato con una chiave tenuta in memoria, e cancellato all&apos;uscita.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="37" />
        <source>Measurement</source>
        <translation>Misurazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="38" />
        <source>Visit</source>
        <translation>Visita</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="39" />
        <source>Consent</source>
        <translation>Consenso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="40" />
        <source>Audit record</source>
        <translation>Registro di audit</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="41" />
        <source>Teleconsult</source>
        <translation>Teleconsulto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="42" />
        <source>Device assignment</source>
        <translation>Assegnazione dispositivo</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="250" />
        <source>&amp;Sync now</source>
        <translation>&amp;Sincronizza ora</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="251" />
        <source>Send waiting items now</source>
        <translation>Invia ora gli elementi in attesa</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="252" />
        <source>&amp;Retry selected</source>
        <translation>&amp;Riprova selezionati</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="253" />
        <source>Retry the selected items</source>
        <translation>Riprova gli elementi selezionati</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="254" />
        <source>Retry &amp;all</source>
        <translation>Riprova &amp;tutti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="255" />
        <source>Retry every item that needs attention</source>
        <translation>Riprova tutti gli elementi da verificare</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="16" />
        <source>Item</source>
        <translation>Elemento</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="259" />
        <source>Saved</source>
        <translation>Salvato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="260" />
        <source>Attempts</source>
        <translation>Tentativi</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="261" />
        <source>What the server said</source>
        <translation>Risposta del server</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="265" />
        <source>Recovery key of your offline data</source>
        <translation>Chiave di recupero dei tuoi dati offline</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="268" />
        <source>Your work on this computer is stored encrypted. Write down or print this recovery key and keep it safe: it is shown only now, and it is the only way to open your offline data if the system keyring is lost.</source>
        <translation>Il lavoro su questo computer è salvato cifrato. Annota o stampa questa chiave di recupero e conservala al sicuro: viene mostrata solo ora ed è l'unico modo per aprire i tuoi dati offline se il portachiavi di sistema va perso.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="265" />
        <source>Recovery key</source>
        <translation>Chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="274" />
        <source>&amp;Copy</source>
        <translation>&amp;Copia</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="275" />
        <source>Copy the recovery key</source>
        <translation>Copia la chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="276" />
        <source>I have saved it</source>
        <translation>L'ho salvata</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="277" />
        <source>I have saved the recovery key</source>
        <translation>Ho salvato la chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="278" />
        <source>Sync message</source>
        <translation>Messaggio di sincronizzazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="294" />
        <source>The regional server could not be reached or answered badly.</source>
        <translation>Il server regionale non è raggiungibile o ha risposto in modo non valido.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="296" />
        <source>The regional server did not accept the data.</source>
        <translation>Il server regionale non ha accettato i dati.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="298" />
        <source>Your sign-in has expired: sign in again, then retry.</source>
        <translation>L'accesso è scaduto: accedi di nuovo, poi riprova.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="300" />
        <source>Your account is not allowed to send this item.</source>
        <translation>Il tuo account non è autorizzato a inviare questo elemento.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="302" />
        <source>Something this item refers to no longer exists on the server.</source>
        <translation>Qualcosa a cui questo elemento fa riferimento non esiste più sul server.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="304" />
        <source>It conflicts with a change made elsewhere.</source>
        <translation>È in conflitto con una modifica fatta altrove.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="306" />
        <source>The regional server had a problem; retry later.</source>
        <translation>Il server regionale ha avuto un problema; riprova più tardi.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="308" />
        <source>The regional server refused the item (HTTP %1).</source>
        <translation>Il server regionale ha rifiutato l'elemento (HTTP %1).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="362" />
        <source>The offline store is not available: %1</source>
        <translation>L'archivio offline non è disponibile: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="364" />
        <source>Sign in to see and send the work saved on this computer.</source>
        <translation>Accedi per vedere e inviare il lavoro salvato su questo computer.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="317" />
        <source>Waiting to be sent</source>
        <translation>In attesa di invio</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="324" />
        <source>Next try</source>
        <translation>Prossimo tentativo</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="325" />
        <source>Last problem</source>
        <translation>Ultimo problema</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="406" />
        <source>now</source>
        <translation>ora</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyRestore</name>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Open your offline data with the recovery key</source>
        <translation>Apri i tuoi dati offline con la chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>This computer&apos;s keyring no longer holds the key of your offline data (for example after a reinstall or a password reset). Nothing is lost: type the recovery key you saved at your first sign-in on this computer.</source>
        <translation>Il portachiavi di questo computer non contiene più la chiave dei tuoi dati offline (ad esempio dopo una reinstallazione o il ripristino della password). Non è andato perso nulla: digita la chiave di recupero che hai salvato al primo accesso su questo computer.</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Recovery &amp;key:</source>
        <translation>&amp;Chiave di recupero:</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Recovery key</source>
        <translation>Chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>&amp;Open offline data</source>
        <translation>&amp;Apri i dati offline</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Open the offline data with the recovery key</source>
        <translation>Apri i dati offline con la chiave di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Recovery message</source>
        <translation>Messaggio di recupero</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Opening your offline data...</source>
        <translation>Apertura dei tuoi dati offline...</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>Your offline data is open again.</source>
        <translation>I tuoi dati offline sono di nuovo aperti.</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>This is not the recovery key of your offline data: check the letters and digits and try again.</source>
        <translation>Questa non è la chiave di recupero dei tuoi dati offline: controlla lettere e cifre e riprova.</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>The system keyring is not available: %1</source>
        <translation>Il portachiavi di sistema non è disponibile: %1</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>There is no offline data of yours on this computer to open.</source>
        <translation>Su questo computer non ci sono tuoi dati offline da aprire.</translation>
    </message>
    <message>
        <location filename="../../ui/recovery_restore.py" />
        <source>The offline data could not be opened: %1</source>
        <translation>Non è stato possibile aprire i dati offline: %1</translation>
    </message>
</context>
</TS>
