<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>Areas</name>
    <message>
        <location filename="../../ui/pages/devices.py" line="332" />
        <source>Devices</source>
        <translation>Dispositivi</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <source>Choose the patient first</source>
        <translation>Scegli prima il paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="64" />
        <source>Systolic</source>
        <extracomment>Labels of measured values (DisplayValue.label), translated at display time.</extracomment>
        <translation>Sistolica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="65" />
        <source>Diastolic</source>
        <translation>Diastolica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="66" />
        <source>Mean arterial pressure</source>
        <translation>Pressione arteriosa media</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="67" />
        <source>Pulse rate</source>
        <translation>Frequenza del polso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="68" />
        <source>SpO2</source>
        <translation>SpO2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="69" />
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="70" />
        <source>Weight</source>
        <translation>Peso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="71" />
        <source>Body fat</source>
        <translation>Massa grassa</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="72" />
        <source>Glucose</source>
        <translation>Glicemia</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="73" />
        <source>Heart rate</source>
        <translation>Frequenza cardiaca</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="74" />
        <source>Meal</source>
        <translation>Pasto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="75" />
        <source>Cuff pressure</source>
        <translation>Pressione del bracciale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="76" />
        <source>before a meal</source>
        <translation>prima del pasto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="77" />
        <source>after a meal</source>
        <translation>dopo il pasto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="78" />
        <source>fasting</source>
        <translation>a digiuno</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="79" />
        <source>casual</source>
        <translation>spuntino</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="80" />
        <source>bedtime</source>
        <translation>prima di dormire</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="86" />
        <source>Bluetooth is off or missing.</source>
        <extracomment>What the user reads for each failure: what happened, then what to do.</extracomment>
        <translation>Il Bluetooth è spento o assente.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="87" />
        <source>Turn Bluetooth on in the system settings (or plug in the Bluetooth adapter), then scan again.</source>
        <translation>Attiva il Bluetooth nelle impostazioni di sistema (o collega l'adattatore Bluetooth), poi ripeti la ricerca.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="93" />
        <source>The device is not advertising.</source>
        <translation>Il dispositivo non è visibile.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="94" />
        <source>Switch the device on and put it in pairing mode (see its manual: usually hold the Bluetooth or Start button until the symbol blinks), keep it within two metres, then scan again.</source>
        <translation>Accendi il dispositivo e mettilo in modalità di associazione (vedi il manuale: di solito si tiene premuto il tasto Bluetooth o Start finché il simbolo lampeggia), tienilo entro due metri, poi ripeti la ricerca.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="101" />
        <source>Pairing was refused.</source>
        <translation>L'associazione è stata rifiutata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="102" />
        <source>Check the PIN shown on the device display (or printed on its label) and try again; if the device left pairing mode, put it back in pairing mode first.</source>
        <translation>Controlla il PIN mostrato sul display del dispositivo (o stampato sulla sua etichetta) e riprova; se il dispositivo è uscito dalla modalità di associazione, rimettilo prima in quella modalità.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="109" />
        <source>The device no longer recognises this workstation.</source>
        <translation>Il dispositivo non riconosce più questa postazione.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="110" />
        <source>It was reset or paired with another phone or computer. Press 'Remove pairing', put the device in pairing mode, then press 'Pair' again.</source>
        <translation>È stato azzerato o associato a un altro telefono o computer. Premi 'Rimuovi associazione', metti il dispositivo in modalità di associazione, poi premi di nuovo 'Associa'.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="117" />
        <source>The connection was lost.</source>
        <translation>La connessione si è interrotta.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="118" />
        <source>Bring the device closer, check its batteries and try again. Readings already received are not lost.</source>
        <translation>Avvicina il dispositivo, controlla le batterie e riprova. Le misure già ricevute non vanno perse.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="125" />
        <source>No measurement arrived.</source>
        <translation>Non è arrivata nessuna misura.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="126" />
        <source>Start the measurement on the device and wait for the result; for a meter, there may be no new readings since the last transfer.</source>
        <translation>Avvia la misura sul dispositivo e attendi il risultato; per un glucometro, potrebbero non esserci nuove misure dall'ultimo trasferimento.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="133" />
        <source>The device sent data that cannot be read.</source>
        <translation>Il dispositivo ha inviato dati illeggibili.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="134" />
        <source>Repeat the measurement. If it happens again, the device may be faulty: contact the help desk.</source>
        <translation>Ripeti la misura. Se succede di nuovo, il dispositivo potrebbe essere guasto: contatta l'assistenza.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="141" />
        <source>This device is not supported.</source>
        <translation>Questo dispositivo non è supportato.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="142" />
        <source>Enter the values manually, or use a supported device.</source>
        <translation>Inserisci i valori a mano, oppure usa un dispositivo supportato.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="145" />
        <source>Measurement cancelled.</source>
        <translation>Misura annullata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="146" />
        <source>Press Take measurement again when the patient and the device are ready.</source>
        <translation>Premi di nuovo Acquisisci misura quando paziente e dispositivo sono pronti.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="151" />
        <source>The local store is not open.</source>
        <translation>L'archivio locale non è aperto.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="152" />
        <source>Log in again to open your encrypted store; the measurement stays on screen until it is saved.</source>
        <translation>Accedi di nuovo per aprire il tuo archivio cifrato; la misura resta sullo schermo finché non è salvata.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="281" />
        <source>Pairing guide</source>
        <translation>Guida all'associazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="283" />
        <source>&amp;PIN shown on the device:</source>
        <translation>&amp;PIN mostrato sul dispositivo:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="286" />
        <source>PIN shown on the device</source>
        <translation>PIN mostrato sul dispositivo</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="288" />
        <location filename="../../ui/pages/devices.py" line="289" />
        <source>Confirm PIN</source>
        <translation>Conferma PIN</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="290" />
        <location filename="../../ui/pages/devices.py" line="292" />
        <source>Cancel pairing</source>
        <translation>Annulla associazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="294" />
        <location filename="../../ui/pages/devices.py" line="296" />
        <source>Numbers match</source>
        <translation>I numeri coincidono</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="298" />
        <location filename="../../ui/pages/devices.py" line="300" />
        <source>Numbers differ</source>
        <translation>I numeri sono diversi</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="455" />
        <source>&amp;Patient:</source>
        <translation>&amp;Paziente:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="456" />
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="458" />
        <source>Devices in range</source>
        <translation>Dispositivi nelle vicinanze</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="461" />
        <source>&amp;Scan</source>
        <translation>&amp;Cerca</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="462" />
        <source>P&amp;air</source>
        <translation>&amp;Associa</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="463" />
        <source>&amp;Remove pairing</source>
        <translation>&amp;Rimuovi associazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="464" />
        <source>&amp;Take measurement</source>
        <translation>Acquisisci &amp;misura</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="465" />
        <source>Ca&amp;ncel measurement</source>
        <translation>A&amp;nnulla misura</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="466" />
        <source>&amp;Confirm and save</source>
        <translation>C&amp;onferma e salva</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="467" />
        <source>&amp;Discard</source>
        <translation>&amp;Scarta</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="472" />
        <source>Device operation in progress</source>
        <translation>Operazione sul dispositivo in corso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="474" />
        <source>Measurement</source>
        <translation>Misura</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="477" />
        <source>Parameter</source>
        <translation>Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="478" />
        <source>Value</source>
        <translation>Valore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="479" />
        <source>Unit</source>
        <translation>Unità</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="482" />
        <source>Measured values</source>
        <translation>Valori misurati</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="484" />
        <source>Measurement details</source>
        <translation>Dettagli della misura</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="490" />
        <source>1. Switch the device on and put it in pairing mode. 2. Press Scan. 3. Select it and press Pair.</source>
        <translation>1. Accendi il dispositivo e mettilo in modalità di associazione. 2. Premi Cerca. 3. Selezionalo e premi Associa.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="495" />
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="497" />
        <source>Live value</source>
        <translation>Valore in tempo reale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="585" />
        <source>Scanning for devices…</source>
        <translation>Ricerca dei dispositivi…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/devices.py" line="594" />
        <source>%n device(s) found.</source>
        <translation>
            <numerusform>%n dispositivo trovato.</numerusform>
            <numerusform>%n dispositivi trovati.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="606" />
        <source>connected</source>
        <translation>connesso</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="609" />
        <source>pairing needed</source>
        <translation>da associare</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="627" />
        <source>Receiving stored readings: %1 of %2…</source>
        <translation>Ricezione delle misure memorizzate: %1 di %2…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="641" />
        <source>%1 disconnected.</source>
        <translation>%1 disconnesso.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="664" />
        <source>Pairing with %1… If the device shows a PIN, type it below.</source>
        <translation>Associazione con %1… Se il dispositivo mostra un PIN, digitalo qui sotto.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="668" />
        <source>Pairing…</source>
        <translation>Associazione in corso…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="676" />
        <source>Paired. Select the patient and press Take measurement.</source>
        <translation>Associato. Seleziona il paziente e premi Acquisisci misura.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="681" />
        <source>Paired with %1.</source>
        <translation>Associato con %1.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="687" />
        <source>Type the 6-digit PIN shown on %1 (or printed on its label).</source>
        <translation>Digita il PIN di 6 cifre mostrato su %1 (o stampato sulla sua etichetta).</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="696" />
        <source>Does %1 show the number %2?</source>
        <translation>%1 mostra il numero %2?</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="705" />
        <source>The PIN has 6 digits.</source>
        <translation>Il PIN ha 6 cifre.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="731" />
        <source>Pairing removed. Put the device in pairing mode and press Pair.</source>
        <translation>Associazione rimossa. Metti il dispositivo in modalità di associazione e premi Associa.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="736" />
        <source>Pairing with %1 removed.</source>
        <translation>Associazione con %1 rimossa.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="751" />
        <source>Waiting for the measurement from %1…</source>
        <translation>In attesa della misura da %1…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="793" />
        <source>Live: %1</source>
        <translation>In tempo reale: %1</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="818" />
        <source>Check the values, then confirm to save them.</source>
        <translation>Controlla i valori, poi conferma per salvarli.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="838" />
        <source>Measured at %1 by %2.</source>
        <translation>Misurato alle %1 da %2.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/devices.py" line="844" />
        <source>%n stored reading(s) will be saved.</source>
        <translation>
            <numerusform>Verrà salvata %n misura memorizzata.</numerusform>
            <numerusform>Verranno salvate %n misure memorizzate.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="849" />
        <source>Paired link.</source>
        <translation>Collegamento associato.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="851" />
        <source>Unpaired link.</source>
        <translation>Collegamento non associato.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="855" />
        <source>Device clock offset: %1 s.</source>
        <translation>Scarto dell'orologio del dispositivo: %1 s.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/pages/devices.py" line="880" />
        <source>Saved: %n value(s) will be sent to the regional record.</source>
        <translation>
            <numerusform>Salvato: %n valore sarà inviato al fascicolo regionale.</numerusform>
            <numerusform>Salvato: %n valori saranno inviati al fascicolo regionale.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/pages/devices.py" line="899" />
        <source>Measurement discarded.</source>
        <translation>Misura scartata.</translation>
    </message>
</context>
</TS>