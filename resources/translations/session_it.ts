<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>AuditBanner</name>
    <message>
        <location filename="../../ui/audit_banner.py" line="58"/>
        <source>The local audit log cannot be read: it may have been tampered with. Tell the data protection officer.</source>
        <translation>Il registro di audit locale non è leggibile: potrebbe essere stato manomesso. Avvisa il responsabile della protezione dei dati.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_banner.py" line="63"/>
        <source>The local audit log was altered at entry %1: it may have been tampered with. Tell the data protection officer.</source>
        <translation>Il registro di audit locale risulta alterato alla voce %1: potrebbe essere stato manomesso. Avvisa il responsabile della protezione dei dati.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_banner.py" line="68"/>
        <source>Audit log warning</source>
        <translation>Avviso sul registro di audit</translation>
    </message>
    <message>
        <location filename="../../ui/audit_banner.py" line="69"/>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Ho preso visione</translation>
    </message>
    <message>
        <location filename="../../ui/audit_banner.py" line="70"/>
        <source>Acknowledge the audit log warning</source>
        <translation>Conferma di aver visto l&apos;avviso sul registro di audit</translation>
    </message>
    <message>
        <location filename="../../ui/audit_banner.py" line="97"/>
        <source>Audit log</source>
        <translation>Registro di audit</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <location filename="../../ui/consent_dialog.py" line="49"/>
        <source>The patient gives informed consent to the medical act</source>
        <translation>Il paziente dà il consenso informato all&apos;atto medico</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="52"/>
        <source>The patient consents to receiving care by telemedicine</source>
        <translation>Il paziente acconsente a ricevere prestazioni in telemedicina</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="111"/>
        <source>The consents could not be recorded: %1</source>
        <translation>Non è stato possibile registrare i consensi: %1</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="121"/>
        <source>Record consents</source>
        <translation>Registrazione dei consensi</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="127"/>
        <source>Consents for the televisit</source>
        <translation>Consensi per la televisita</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="130"/>
        <source>A televisit needs both consents on record. Ask the patient, then tick what they give now; the consents are recorded for the patient.</source>
        <translation>Per una televisita servono entrambi i consensi. Chiedili al paziente, poi spunta quelli che dà ora: verranno registrati per il paziente.</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="137"/>
        <source>&amp;Record and start</source>
        <translation>&amp;Registra e avvia</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="138"/>
        <source>Record the consents and start</source>
        <translation>Registra i consensi e avvia</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="139"/>
        <source>Record or cancel</source>
        <translation>Registra o annulla</translation>
    </message>
    <message>
        <location filename="../../ui/consent_dialog.py" line="169"/>
        <source>Check consents</source>
        <translation>Verifica dei consensi</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>No one has signed in on this computer yet. Sign in with your regional account (SPID, CIE or CNS) in the browser; then you can also unlock with a PIN, even offline.</source>
        <translation>Nessuno ha ancora effettuato l&apos;accesso su questo computer. Accedi con il tuo account regionale (SPID, CIE o CNS) nel browser; poi potrai sbloccare anche con un PIN, pure offline.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="156"/>
        <source>Choose your name and type your PIN.</source>
        <translation>Scegli il tuo nome e digita il PIN.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="164"/>
        <source>Log in to the telemedicine workstation</source>
        <translation>Accedi alla postazione di telemedicina</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="166"/>
        <source>Workstation locked by %1</source>
        <translation>Postazione bloccata da %1</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="168"/>
        <source>Workstation locked</source>
        <translation>Postazione bloccata</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="169"/>
        <source>&amp;User</source>
        <translation>&amp;Utente</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="170"/>
        <source>&amp;PIN</source>
        <translation>&amp;PIN</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="171"/>
        <source>User</source>
        <translation>Utente</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="172"/>
        <source>PIN or passphrase</source>
        <translation>PIN o frase segreta</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="173"/>
        <source>&amp;Unlock</source>
        <translation>&amp;Sblocca</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="174"/>
        <source>Unlock</source>
        <translation>Sblocca</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="175"/>
        <source>Log in with the &amp;browser</source>
        <translation>Accedi con il &amp;browser</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="176"/>
        <source>Log in with the browser</source>
        <translation>Accedi con il browser</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="179"/>
        <source>Still sending the queued work of: %1</source>
        <translation>Invio ancora in corso del lavoro in coda di: %1</translation>
    </message>
</context>
<context>
    <name>PinSetupDialog</name>
    <message>
        <location filename="../../ui/login_dialog.py" line="67"/>
        <source>The two entries differ.</source>
        <translation>I due valori inseriti sono diversi.</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="77"/>
        <source>use at least 6 characters, not all the same and not a sequence of digits</source>
        <translation>usa almeno 6 caratteri, non tutti uguali e non una sequenza di cifre</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="81"/>
        <source>PIN not accepted: %1</source>
        <translation>PIN non accettato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="86"/>
        <source>Set PIN</source>
        <translation>Impostazione del PIN</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="96"/>
        <source>Choose your unlock PIN</source>
        <translation>Scegli il PIN di sblocco</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="99"/>
        <source>Choose a PIN or passphrase (at least 6 characters). It unlocks this station after an automatic lock, and lets you work when the network is down.</source>
        <translation>Scegli un PIN o una frase segreta (almeno 6 caratteri). Serve a sbloccare questa postazione dopo il blocco automatico e a lavorare quando la rete non è disponibile.</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="103"/>
        <source>&amp;PIN or passphrase</source>
        <translation>&amp;PIN o frase segreta</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="104"/>
        <source>&amp;Repeat</source>
        <translation>&amp;Ripeti</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="105"/>
        <source>New PIN or passphrase</source>
        <translation>Nuovo PIN o frase segreta</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="106"/>
        <source>Repeat the PIN or passphrase</source>
        <translation>Ripeti il PIN o la frase segreta</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="107"/>
        <source>Confirm or skip</source>
        <translation>Conferma o salta</translation>
    </message>
</context>
<context>
    <name>ShellLock</name>
    <message>
        <location filename="../../ui/lock_screen.py" line="230"/>
        <location filename="../../ui/lock_screen.py" line="485"/>
        <source>Automatic lock countdown</source>
        <translation>Conto alla rovescia del blocco automatico</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="447"/>
        <source>Telemedicine workstation - locked</source>
        <translation>Postazione di telemedicina - bloccata</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="327"/>
        <source>Lock</source>
        <translation>Blocco</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="348"/>
        <source>Users</source>
        <translation>Utenti</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="363"/>
        <source>Wrong PIN.</source>
        <translation>PIN errato.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="365"/>
        <source>Try again in %1 s.</source>
        <translation>Riprova tra %1 s.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="369"/>
        <source>Too many wrong attempts. Try again in %1 s.</source>
        <translation>Troppi tentativi errati. Riprova tra %1 s.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="373"/>
        <source>Cannot unlock: %1</source>
        <translation>Impossibile sbloccare: %1</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="375"/>
        <source>Cannot unlock.</source>
        <translation>Impossibile sbloccare.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="379"/>
        <source>Unlock</source>
        <translation>Sblocca</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="389"/>
        <source>Complete the login in the browser window...</source>
        <translation>Completa l&apos;accesso nella finestra del browser...</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="393"/>
        <source>Login failed: %1</source>
        <translation>Accesso non riuscito: %1</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="399"/>
        <location filename="../../ui/lock_screen.py" line="405"/>
        <source>Login</source>
        <translation>Accesso</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="440"/>
        <source>Your regional login has expired: log in again with the browser, or unlock with your PIN to keep working offline.</source>
        <translation>L&apos;accesso regionale è scaduto: accedi di nuovo con il browser, oppure sblocca con il PIN per continuare a lavorare offline.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="452"/>
        <source>Nobody logged in</source>
        <translation>Nessun utente collegato</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="456"/>
        <source>%1 (offline unlock)</source>
        <translation>%1 (sblocco offline)</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="458"/>
        <source>Logged in: %1</source>
        <translation>Utente collegato: %1</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="472"/>
        <source>Locking in %1 s: move the mouse or press a key to stay</source>
        <translation>Blocco tra %1 s: muovi il mouse o premi un tasto per restare</translation>
    </message>
</context>
</TS>
