<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
    <context>
        <name>AgendaPage</name>
        <message>
            <location filename="../../ui/pages/agenda.py" line="166" />
            <source>&amp;Acting as:</source>
            <translation>&amp;Opera come:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="167" />
            <source>Demo practitioner</source>
            <translation>Professionista dimostrativo</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="170" />
            <source>Refresh</source>
            <translation>Aggiorna</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="171" />
            <source>Refresh the agenda (F5)</source>
            <translation>Aggiorna l'agenda (F5)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="173" />
            <source>Time</source>
            <translation>Ora</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="173" />
            <source>Service</source>
            <translation>Prestazione</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="173" />
            <source>Patient</source>
            <translation>Paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="173" />
            <source>Details</source>
            <translation>Dettagli</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="174" />
            <source>Status</source>
            <translation>Stato</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="176" />
            <source>Today's agenda</source>
            <translation>Agenda di oggi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="177" />
            <source>Enter opens the patient</source>
            <translation>Invio apre il paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="181" />
            <source>&amp;Open patient</source>
            <translation>&amp;Apri paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="182" />
            <source>Open the patient of the selected item</source>
            <translation>Apri il paziente della voce selezionata</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="186" />
            <source>Open &amp;teleconsult</source>
            <translation>Apri &amp;teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="187" />
            <source>Open the selected teleconsult request</source>
            <translation>Apri la richiesta di teleconsulto selezionata</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="191" />
            <source>Ac&amp;knowledge alert</source>
            <translation>&amp;Prendi visione dell'allarme</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="192" />
            <source>Acknowledge the selected alert</source>
            <translation>Prendi visione dell'allarme selezionato</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="196" />
            <source>Start &amp;call</source>
            <translation>Avvia &amp;chiamata</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="197" />
            <source>Start the televisit or teleassistance call of the selected item</source>
            <translation>Avvia la chiamata di televisita o teleassistenza della voce selezionata</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="200" />
            <source>Agenda message</source>
            <translation>Messaggio dell'agenda</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="222" />
            <source>Loading the agenda</source>
            <translation>Caricamento dell'agenda</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="232" />
            <source>Offline: showing the agenda saved at %1. It may not be up to date.</source>
            <translation>Non in linea: agenda salvata alle %1. Potrebbe non essere aggiornata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="249" />
            <source>The agenda cannot be loaded and no saved copy is available (%1).</source>
            <translation>Impossibile caricare l'agenda e nessuna copia salvata disponibile (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="323" />
            <source>Acknowledging the alert</source>
            <translation>Presa visione dell'allarme</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="326" />
            <source>The alert was not acknowledged (%1).</source>
            <translation>Presa visione non registrata (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="331" />
            <source>Alert acknowledged.</source>
            <translation>Presa visione registrata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="347" />
            <source>Call requested: the Calls area opens it.</source>
            <translation>Chiamata richiesta: l'area Chiamate la apre.</translation>
        </message>
    </context>
    <context>
        <name>PatientPage</name>
        <message>
            <location filename="../../ui/pages/patient.py" line="259" />
            <source>The call has ended: write the report, then the satisfaction questionnaire.</source>
            <extracomment>The last finished call with the open patient: (patient id, Encounter ref, start, end).</extracomment>
            <translation>La chiamata è terminata: scrivi il referto, poi il questionario di soddisfazione.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="286" />
            <source>&amp;Find:</source>
            <translation>&amp;Cerca:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="288" />
            <source>Codice fiscale, STP/ENI code, TEAM number or name</source>
            <translation>Codice fiscale, codice STP/ENI, numero TEAM o nome</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="290" />
            <source>Patient search (Ctrl+F)</source>
            <translation>Ricerca paziente (Ctrl+F)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="291" />
            <source>Search</source>
            <translation>Cerca</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="292" />
            <source>Search patients</source>
            <translation>Cerca pazienti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="293" />
            <source>Search message</source>
            <translation>Messaggio della ricerca</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="294" />
            <source>Patients found</source>
            <translation>Pazienti trovati</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="295" />
            <source>Enter opens the patient</source>
            <translation>Invio apre il paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="296" />
            <source>Identity:</source>
            <translation>Identità:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="297" />
            <source>Consents:</source>
            <translation>Consensi:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="298" />
            <source>Care plans:</source>
            <translation>Piani di cura:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="299" />
            <source>Identity</source>
            <translation>Identità</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="300" />
            <source>Consents</source>
            <translation>Consensi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="301" />
            <source>Care plans</source>
            <translation>Piani di cura</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="302" />
            <source>Identity warnings</source>
            <translation>Avvisi sull'identità</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="303" />
            <source>Patient name</source>
            <translation>Nome del paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="304" />
            <source>&amp;Devices</source>
            <translation>&amp;Dispositivi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="305" />
            <source>Devices in use</source>
            <translation>Dispositivi in uso</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="306" />
            <source>&amp;Latest readings</source>
            <translation>&amp;Ultime misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="307" />
            <source>Latest readings</source>
            <translation>Ultime misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="311" />
            <source>Record &amp;consents</source>
            <translation>Registra &amp;consensi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="312" />
            <source>Record the consents the patient has just given</source>
            <translation>Registra i consensi appena espressi dal paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="316" />
            <source>Visit &amp;report...</source>
            <translation>&amp;Referto...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="317" />
            <source>Write the televisit report</source>
            <translation>Scrivi il referto di televisita</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="321" />
            <source>Satisfaction &amp;questionnaire...</source>
            <translation>&amp;Questionario di soddisfazione...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="322" />
            <source>Fill the satisfaction questionnaire with the patient</source>
            <translation>Compila il questionario di soddisfazione con il paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="326" />
            <source>Request t&amp;eleconsult...</source>
            <translation>Richiedi t&amp;eleconsulto...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="327" />
            <source>Ask a specialist for a teleconsult</source>
            <translation>Chiedi un teleconsulto a uno specialista</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="331" />
            <source>Point-of-care &amp;measurement...</source>
            <translation>&amp;Misurazione in farmacia...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="332" />
            <source>Pharmacy mode: measure the patient and send the readings</source>
            <translation>Modalità farmacia: misura il paziente e invia i valori</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="347" />
            <source>Searching patients</source>
            <translation>Ricerca dei pazienti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="356" />
            <source>No patient found.</source>
            <translation>Nessun paziente trovato.</translation>
        </message>
        <message numerus="yes">
            <location filename="../../ui/pages/patient.py" line="358" />
            <source>%n patient(s) found.</source>
            <translation>
                <numerusform>%n paziente trovato.</numerusform>
                <numerusform>%n pazienti trovati.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="390" />
            <source>Loading the patient</source>
            <translation>Caricamento del paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="407" />
            <source>No patient open</source>
            <translation>Nessun paziente aperto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="421" />
            <source>Sex %1, born %2; %3</source>
            <translation>Sesso %1, nato/a il %2; %3</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="429" />
            <source>informed medical consent</source>
            <translation>consenso informato all'atto sanitario</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="430" />
            <source>consent to telemedicine</source>
            <translation>consenso alla telemedicina</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="432" />
            <source>yes</source>
            <translation>sì</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="432" />
            <source>MISSING</source>
            <translation>MANCANTE</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="436" />
            <source>A televisit needs both consents.</source>
            <translation>La televisita richiede entrambi i consensi.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="438" />
            <source>none</source>
            <translation>nessuno</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="478" />
            <source>Recording consents</source>
            <translation>Registrazione dei consensi</translation>
        </message>
    </context>
    <context>
        <name>PointOfCareDialog</name>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="102" />
            <source>not measured</source>
            <translation>non misurato</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="111" />
            <source>&amp;Device:</source>
            <translation>&amp;Dispositivo:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="114" />
            <source>Bluetooth device</source>
            <translation>Dispositivo Bluetooth</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="116" />
            <source>S&amp;can</source>
            <translation>&amp;Cerca</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="118" />
            <source>Look for Bluetooth devices</source>
            <translation>Cerca dispositivi Bluetooth</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="119" />
            <source>Measure with &amp;device</source>
            <translation>Misura con il &amp;dispositivo</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="122" />
            <source>Take the next measurement of the selected device and send it</source>
            <translation>Acquisisci la prossima misurazione del dispositivo selezionato e inviala</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="131" />
            <source>Point-of-care status</source>
            <translation>Stato della misurazione</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="134" />
            <source>&amp;Send measurements</source>
            <translation>&amp;Invia misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="136" />
            <source>Send the measurements</source>
            <translation>Invia le misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="137" />
            <source>Print &amp;receipt...</source>
            <translation>Stampa &amp;ricevuta...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="139" />
            <source>Print the patient's receipt</source>
            <translation>Stampa la ricevuta per il paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="140" />
            <source>Save receipt as P&amp;DF...</source>
            <translation>Salva ricevuta in P&amp;DF...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="142" />
            <source>Save the patient's receipt as a PDF file</source>
            <translation>Salva la ricevuta del paziente come file PDF</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="143" />
            <source>Close</source>
            <translation>Chiudi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="144" />
            <source>Close the point-of-care session</source>
            <translation>Chiudi la sessione di misurazione</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="149" />
            <source>The patient gives informed consent and consent to telemonitoring</source>
            <translation>Il paziente esprime il consenso informato e il consenso al telemonitoraggio</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="152" />
            <source>Point-of-care measurement</source>
            <translation>Misurazione in farmacia</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="193" />
            <source>The device did not answer (%1).</source>
            <translation>Il dispositivo non ha risposto (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="197" />
            <source>Looking for devices...</source>
            <translation>Ricerca dei dispositivi...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="200" />
            <source>Looking for devices</source>
            <translation>Ricerca dei dispositivi</translation>
        </message>
        <message numerus="yes">
            <location filename="../../ui/pages/pharmacy.py" line="210" />
            <source>%n device(s) found.</source>
            <translation>
                <numerusform>%n dispositivo trovato.</numerusform>
                <numerusform>%n dispositivi trovati.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="212" />
            <source>No device found: switch it on, then scan again.</source>
            <translation>Nessun dispositivo trovato: accendilo e cerca di nuovo.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="221" />
            <source>Pair the device in the Devices area first.</source>
            <translation>Associa prima il dispositivo nell'area Dispositivi.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="239" />
            <source>Measure now: waiting for the device...</source>
            <translation>Misura ora: in attesa del dispositivo...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="241" />
            <source>Measuring with the device</source>
            <translation>Misurazione con il dispositivo</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="272" />
            <source>Sending the measurements</source>
            <translation>Invio delle misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="280" />
            <source>Measurements sent. Print the receipt for the patient.</source>
            <translation>Misurazioni inviate. Stampa la ricevuta per il paziente.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="285" />
            <source>The patient's consent is needed before measuring.</source>
            <translation>Serve il consenso del paziente prima di misurare.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="287" />
            <source>%1 is outside the plausible range: check the value.</source>
            <translation>%1 è fuori dall'intervallo plausibile: controlla il valore.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="292" />
            <source>Enter at least one measurement.</source>
            <translation>Inserisci almeno una misurazione.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="294" />
            <source>Not sent (%1); try again.</source>
            <translation>Non inviato (%1); riprova.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="308" />
            <source>Blood pressure</source>
            <translation>Pressione arteriosa</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="323" />
            <source>Receipt saved.</source>
            <translation>Ricevuta salvata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="329" />
            <source>Receipt printed.</source>
            <translation>Ricevuta stampata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="329" />
            <source>The printer cannot be opened.</source>
            <translation>Impossibile aprire la stampante.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="340" />
            <source>Save the receipt</source>
            <translation>Salva la ricevuta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/pharmacy.py" line="340" />
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
    </context>
    <context>
        <name>QuestionnaireDialog</name>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="77" />
            <source>&amp;Send answers</source>
            <translation>&amp;Invia risposte</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="78" />
            <source>Send the answers</source>
            <translation>Invia le risposte</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="80" />
            <source>Cancel</source>
            <translation>Annulla</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="81" />
            <source>Close without sending</source>
            <translation>Chiudi senza inviare</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="82" />
            <source>Questionnaire status</source>
            <translation>Stato del questionario</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="86" />
            <source>Satisfaction questionnaire</source>
            <translation>Questionario di soddisfazione</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="91" />
            <source>Loading the questionnaire</source>
            <translation>Caricamento del questionario</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="98" />
            <source>The questionnaire cannot be loaded (%1).</source>
            <translation>Impossibile caricare il questionario (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="117" />
            <source>Yes</source>
            <translation>Sì</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="117" />
            <source>No</source>
            <translation>No</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="145" />
            <source>Fill the answers with the patient; * = required.</source>
            <translation>Compila le risposte con il paziente; * = obbligatoria.</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="192" />
            <source>Answer the questions marked in red.</source>
            <translation>Rispondi alle domande evidenziate in rosso.</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="199" />
            <source>Sending the questionnaire</source>
            <translation>Invio del questionario</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="202" />
            <source>Not sent (%1); try again.</source>
            <translation>Non inviato (%1); riprova.</translation>
        </message>
        <message>
            <location filename="../../ui/questionnaire_dialog.py" line="208" />
            <source>Thank you: the answers were sent.</source>
            <translation>Grazie: le risposte sono state inviate.</translation>
        </message>
    </context>
    <context>
        <name>TeleconsultRequestDialog</name>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="119" />
            <source>Routine</source>
            <translation>Ordinaria</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="120" />
            <source>Urgent</source>
            <translation>Urgente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="125" />
            <location filename="../../ui/pages/teleconsults.py" line="163" />
            <source>Share the latest readings</source>
            <translation>Condividi le ultime misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="130" />
            <source>&amp;Attach file...</source>
            <translation>&amp;Allega file...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="132" />
            <source>Attach &amp;trend snapshot (30 days)</source>
            <translation>Allega &amp;grafico dell'andamento (30 giorni)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="141" />
            <source>&amp;Send request</source>
            <translation>&amp;Invia richiesta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="143" />
            <source>Cancel</source>
            <translation>Annulla</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="144" />
            <source>Close without sending</source>
            <translation>Chiudi senza inviare</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="145" />
            <source>Patient:</source>
            <translation>Paziente:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="146" />
            <source>&amp;Specialist:</source>
            <translation>&amp;Specialista:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="147" />
            <source>&amp;Priority:</source>
            <translation>&amp;Priorità:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="148" />
            <source>&amp;Reason:</source>
            <translation>&amp;Motivo:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="149" />
            <source>&amp;Question:</source>
            <translation>&amp;Quesito:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="151" />
            <source>Shared files:</source>
            <translation>File condivisi:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="159" />
            <source>Specialist</source>
            <translation>Specialista</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="160" />
            <source>Priority</source>
            <translation>Priorità</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="161" />
            <source>Reason for the teleconsult</source>
            <translation>Motivo del teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="162" />
            <source>Question for the specialist</source>
            <translation>Quesito per lo specialista</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="164" />
            <source>Shared files</source>
            <translation>File condivisi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="165" />
            <source>Attach a file (image, PDF)</source>
            <translation>Allega un file (immagine, PDF)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="166" />
            <source>Attach a picture of the last 30 days of readings</source>
            <translation>Allega un'immagine delle misurazioni degli ultimi 30 giorni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="167" />
            <source>Send the teleconsult request</source>
            <translation>Invia la richiesta di teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="168" />
            <source>Request status</source>
            <translation>Stato della richiesta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="171" />
            <source>Teleconsult request</source>
            <translation>Richiesta di teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="185" />
            <source>Attach a file</source>
            <translation>Allega un file</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="187" />
            <source>Images and documents (*.png *.jpg *.jpeg *.pdf *.txt *.csv)</source>
            <translation>Immagini e documenti (*.png *.jpg *.jpeg *.pdf *.txt *.csv)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="194" />
            <source>The file cannot be read (%1).</source>
            <translation>Impossibile leggere il file (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="204" />
            <source>Preparing the trend snapshot...</source>
            <translation>Preparazione del grafico dell'andamento...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="207" />
            <source>Loading the readings</source>
            <translation>Caricamento delle misurazioni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="214" />
            <source>No readings in the last 30 days.</source>
            <translation>Nessuna misurazione negli ultimi 30 giorni.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="217" />
            <source>Trend of the last 30 days</source>
            <translation>Andamento degli ultimi 30 giorni</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="221" />
            <source>Trend snapshot attached.</source>
            <translation>Grafico dell'andamento allegato.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="240" />
            <source>Sending...</source>
            <translation>Invio in corso...</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="242" />
            <source>Sending the teleconsult request</source>
            <translation>Invio della richiesta di teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="247" />
            <source>Request sent.</source>
            <translation>Richiesta inviata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="253" />
            <source>Write the reason and a question, or share some data.</source>
            <translation>Scrivi il motivo e un quesito, o condividi dei dati.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="255" />
            <source>The request was not sent (%1); try again.</source>
            <translation>La richiesta non è stata inviata (%1); riprova.</translation>
        </message>
    </context>
    <context>
        <name>TeleconsultRoomWindow</name>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="44" />
            <source>Video room status</source>
            <translation>Stato della stanza video</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="50" />
            <source>&amp;Leave the room</source>
            <translation>&amp;Esci dalla stanza</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="52" />
            <source>Leave the video room</source>
            <translation>Esci dalla stanza video</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="61" />
            <source>Joining the video room...</source>
            <translation>Ingresso nella stanza video...</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="64" />
            <source>Joining the video room</source>
            <translation>Ingresso nella stanza video</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="67" />
            <source>The video room is not available (%1).</source>
            <translation>La stanza video non è disponibile (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="80" />
            <source>Updating the video room</source>
            <translation>Aggiornamento della stanza video</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="83" />
            <source>A participant could not be received (%1).</source>
            <translation>Impossibile ricevere un partecipante (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="95" />
            <source>Video of %1</source>
            <translation>Video di %1</translation>
        </message>
        <message numerus="yes">
            <location filename="../../ui/teleconsult_room_window.py" line="102" />
            <source>In the room with %n other participant(s).</source>
            <translation>
                <numerusform>Nella stanza con %n altro partecipante.</numerusform>
                <numerusform>Nella stanza con altri %n partecipanti.</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../ui/teleconsult_room_window.py" line="104" />
            <source>Waiting for the other participants...</source>
            <translation>In attesa degli altri partecipanti...</translation>
        </message>
    </context>
    <context>
        <name>TeleconsultsPage</name>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="391" />
            <source>&amp;Show:</source>
            <translation>&amp;Mostra:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="392" />
            <source>Received</source>
            <translation>Ricevuti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="393" />
            <source>Sent</source>
            <translation>Inviati</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="394" />
            <source>Received or sent teleconsults</source>
            <translation>Teleconsulti ricevuti o inviati</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="395" />
            <source>Refresh</source>
            <translation>Aggiorna</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="396" />
            <source>Refresh the teleconsults</source>
            <translation>Aggiorna i teleconsulti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="398" />
            <source>Requested</source>
            <translation>Richiesto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="398" />
            <source>Patient</source>
            <translation>Paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="398" />
            <source>Reason</source>
            <translation>Motivo</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="398" />
            <source>Status</source>
            <translation>Stato</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="400" />
            <source>Teleconsults</source>
            <translation>Teleconsulti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="401" />
            <source>Messages of the teleconsult</source>
            <translation>Messaggi del teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="402" />
            <source>Shared &amp;data (Enter saves a copy)</source>
            <translation>&amp;Dati condivisi (Invio ne salva una copia)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="403" />
            <source>Shared data</source>
            <translation>Dati condivisi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="404" />
            <source>&amp;Reply:</source>
            <translation>&amp;Risposta:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="405" />
            <source>Reply text (Ctrl+Enter sends)</source>
            <translation>Testo della risposta (Ctrl+Invio invia)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="407" />
            <source>A&amp;ccept</source>
            <translation>A&amp;ccetta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="407" />
            <source>Accept the teleconsult</source>
            <translation>Accetta il teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="408" />
            <source>Re&amp;ject</source>
            <translation>Ri&amp;fiuta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="408" />
            <source>Reject the teleconsult</source>
            <translation>Rifiuta il teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="409" />
            <source>Send re&amp;ply</source>
            <translation>Invia ris&amp;posta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="409" />
            <source>Send the reply</source>
            <translation>Invia la risposta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="412" />
            <source>Co&amp;mplete</source>
            <translation>Co&amp;ncludi</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="413" />
            <source>Mark the teleconsult as completed</source>
            <translation>Segna il teleconsulto come concluso</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="417" />
            <source>Open &amp;patient</source>
            <translation>Apri &amp;paziente</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="418" />
            <source>Open the patient of the teleconsult</source>
            <translation>Apri il paziente del teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="422" />
            <source>&amp;Video room</source>
            <translation>Stanza &amp;video</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="423" />
            <source>Join the teleconsult's video room with the other clinicians</source>
            <translation>Entra nella stanza video del teleconsulto con gli altri professionisti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="426" />
            <source>Teleconsult message</source>
            <translation>Messaggio del teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="444" />
            <location filename="../../ui/pages/teleconsults.py" line="452" />
            <source>Loading teleconsults</source>
            <translation>Caricamento dei teleconsulti</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="455" />
            <source>The teleconsults cannot be loaded (%1).</source>
            <translation>Impossibile caricare i teleconsulti (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="504" />
            <source>No teleconsult selected.</source>
            <translation>Nessun teleconsulto selezionato.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="524" />
            <source>Shared readings:</source>
            <translation>Misurazioni condivise:</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="565" />
            <source>Updating the teleconsult</source>
            <translation>Aggiornamento del teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="566" />
            <source>Status updated.</source>
            <translation>Stato aggiornato.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="578" />
            <source>Sending the reply</source>
            <translation>Invio della risposta</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="585" />
            <source>Reply sent.</source>
            <translation>Risposta inviata.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="596" />
            <source>Someone else changed this teleconsult; it has been reloaded.</source>
            <translation>Il teleconsulto è stato modificato da un altro utente ed è stato ricaricato.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="599" />
            <source>Write a reply first.</source>
            <translation>Scrivi prima una risposta.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="601" />
            <source>Not sent (%1); try again.</source>
            <translation>Non inviato (%1); riprova.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="619" />
            <source>Teleconsult room: %1</source>
            <translation>Stanza del teleconsulto: %1</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="640" />
            <source>Save a copy</source>
            <translation>Salva una copia</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="654" />
            <source>Downloading the shared file</source>
            <translation>Scaricamento del file condiviso</translation>
        </message>
        <message>
            <location filename="../../ui/pages/teleconsults.py" line="655" />
            <source>Saved.</source>
            <translation>Salvato.</translation>
        </message>
    </context>
    <context>
        <name>VisitReportEditor</name>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="190" />
            <source>Televisit report</source>
            <translation>Referto di televisita</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="191" />
            <source>Referto di Televisita (LOINC 75496-0)</source>
            <translation>Referto di Televisita (LOINC 75496-0)</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="192" />
            <source>Patient:</source>
            <translation>Paziente:</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="193" />
            <source>&amp;Service:</source>
            <translation>&amp;Prestazione:</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="194" />
            <source>S&amp;tart:</source>
            <translation>&amp;Inizio:</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="195" />
            <source>&amp;End:</source>
            <translation>&amp;Fine:</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="197" />
            <source>Televisit</source>
            <translation>Televisita</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="198" />
            <source>Teleassistance</source>
            <translation>Teleassistenza</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="199" />
            <source>Teleconsult</source>
            <translation>Teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="204" />
            <source>&amp;Reason for the visit</source>
            <translation>&amp;Motivo della televisita</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="205" />
            <source>&amp;History</source>
            <translation>&amp;Anamnesi</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="206" />
            <source>E&amp;xamination and measured parameters</source>
            <translation>&amp;Esame obiettivo e parametri rilevati</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="207" />
            <source>&amp;Conclusions</source>
            <translation>&amp;Conclusioni</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="208" />
            <source>Recommended te&amp;sts</source>
            <translation>Accertamenti &amp;consigliati</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="209" />
            <source>Thera&amp;py</source>
            <translation>&amp;Terapia</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="214" />
            <source>Include the latest readings in the report</source>
            <translation>Includi le ultime misurazioni nel referto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="216" />
            <source>Service delivered</source>
            <translation>Prestazione erogata</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="217" />
            <source>Start of the visit</source>
            <translation>Inizio della visita</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="218" />
            <source>End of the visit</source>
            <translation>Fine della visita</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="219" />
            <source>Remote delivery statement</source>
            <translation>Dichiarazione di erogazione a distanza</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="220" />
            <source>Report status</source>
            <translation>Stato del referto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="222" />
            <source>Pre&amp;view PDF</source>
            <translation>Ante&amp;prima PDF</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="222" />
            <source>Preview the report as PDF</source>
            <translation>Anteprima del referto in PDF</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="223" />
            <source>Pr&amp;int...</source>
            <translation>&amp;Stampa...</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="223" />
            <source>Print the report</source>
            <translation>Stampa il referto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="226" />
            <source>Si&amp;gn and send</source>
            <translation>&amp;Firma e invia</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="227" />
            <source>Sign the report and send it to the record</source>
            <translation>Firma il referto e invialo al fascicolo</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="229" />
            <source>Close</source>
            <translation>Chiudi</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="229" />
            <source>Close the editor (the draft is kept)</source>
            <translation>Chiudi l'editor (la bozza resta salvata)</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="300" />
            <source>Opening the draft</source>
            <translation>Apertura della bozza</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="310" />
            <source>Draft restored.</source>
            <translation>Bozza ripristinata.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="323" />
            <source>Saving the draft</source>
            <translation>Salvataggio della bozza</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="326" />
            <source>The draft could not be saved (%1).</source>
            <translation>Impossibile salvare la bozza (%1).</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="333" />
            <source>Draft saved at %1.</source>
            <translation>Bozza salvata alle %1.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="351" />
            <source>Write the reason for the visit.</source>
            <translation>Scrivi il motivo della visita.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="352" />
            <source>Write the conclusions.</source>
            <translation>Scrivi le conclusioni.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="353" />
            <source>The visit ends before it starts.</source>
            <translation>La visita termina prima di iniziare.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="362" />
            <location filename="../../ui/visit_report_editor.py" line="365" />
            <source>Report preview</source>
            <translation>Anteprima del referto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="392" />
            <source>The printer cannot be opened.</source>
            <translation>Impossibile aprire la stampante.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="413" />
            <source>Signing and sending...</source>
            <translation>Firma e invio in corso...</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="415" />
            <source>Sending the report</source>
            <translation>Invio del referto</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="423" />
            <source>Report signed and sent to the patient's record.</source>
            <translation>Referto firmato e inviato al fascicolo del paziente.</translation>
        </message>
        <message>
            <location filename="../../ui/visit_report_editor.py" line="429" />
            <source>The report was not sent (%1); the draft is kept, try again.</source>
            <translation>Il referto non è stato inviato (%1); la bozza è conservata, riprova.</translation>
        </message>
    </context>
    <context>
        <name>Workflows</name>
        <message>
            <location filename="../../ui/clinical.py" line="146" />
            <source>Televisit</source>
            <translation>Televisita</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="147" />
            <source>Teleassistance</source>
            <translation>Teleassistenza</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="148" />
            <source>Teleconsult</source>
            <translation>Teleconsulto</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="149" />
            <source>Telemonitoring</source>
            <translation>Telemonitoraggio</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="150" />
            <source>Alert</source>
            <translation>Allarme</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="156" />
            <source>Booked</source>
            <translation>Prenotato</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="157" />
            <source>Arrived</source>
            <translation>Presente</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="158" />
            <source>Done</source>
            <translation>Svolto</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="159" />
            <source>Pending</source>
            <translation>In attesa</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="160" />
            <source>Proposed</source>
            <translation>Proposto</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="161" />
            <source>Active</source>
            <translation>Attivo</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="162" />
            <source>Requested</source>
            <translation>Richiesto</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="163" />
            <source>Accepted</source>
            <translation>Accettato</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="164" />
            <source>In progress</source>
            <translation>In corso</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="165" />
            <source>Completed</source>
            <translation>Concluso</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="166" />
            <source>Rejected</source>
            <translation>Rifiutato</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="167" />
            <source>Cancelled</source>
            <translation>Annullato</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="174" />
            <source>The codice fiscale on record is not valid (wrong check letter).</source>
            <translation>Il codice fiscale registrato non è valido (carattere di controllo errato).</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="177" />
            <source>The codice fiscale does not match the recorded sex: check identity.</source>
            <translation>Il codice fiscale non corrisponde al sesso registrato: verificare l'identità.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="180" />
            <source>The codice fiscale does not match the recorded birth date: check identity.</source>
            <translation>Il codice fiscale non corrisponde alla data di nascita registrata: verificare l'identità.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="184" />
            <source>Omocodia variant of the codice fiscale: another person may share the base code.</source>
            <translation>Codice fiscale in omocodia: un'altra persona può avere lo stesso codice di base.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="194" />
            <source>A codice fiscale has 16 characters.</source>
            <translation>Il codice fiscale ha 16 caratteri.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="197" />
            <source>Invalid codice fiscale: characters in unexpected positions.</source>
            <translation>Codice fiscale non valido: caratteri in posizioni inattese.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="200" />
            <source>Invalid codice fiscale: wrong check letter. Check for typing errors.</source>
            <translation>Codice fiscale non valido: carattere di controllo errato. Verificare errori di battitura.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="203" />
            <source>Invalid codice fiscale: impossible birth day.</source>
            <translation>Codice fiscale non valido: giorno di nascita impossibile.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="206" />
            <source>Invalid codice fiscale: impossible birth date.</source>
            <translation>Codice fiscale non valido: data di nascita impossibile.</translation>
        </message>
        <message>
            <location filename="../../ui/clinical.py" line="209" />
            <source>Invalid codice fiscale.</source>
            <translation>Codice fiscale non valido.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="54" />
            <source>General practitioner (Bianchi)</source>
            <translation>Medico di medicina generale (Bianchi)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="55" />
            <source>Community nurse (Colombo)</source>
            <translation>Infermiere di famiglia e comunità (Colombo)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="56" />
            <source>Pharmacist (Ferrari)</source>
            <translation>Farmacista (Ferrari)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/agenda.py" line="57" />
            <source>Cardiologist (Romano)</source>
            <translation>Cardiologo (Romano)</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="60" />
            <source>Type a codice fiscale, an STP/ENI code, a TEAM number or a name.</source>
            <translation>Digita un codice fiscale, un codice STP/ENI, un numero TEAM o un nome.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="63" />
            <source>An STP or ENI code is the prefix followed by 13 digits.</source>
            <translation>Un codice STP o ENI è il prefisso seguito da 13 cifre.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="66" />
            <source>A TEAM card number has 20 digits.</source>
            <translation>Il numero della tessera TEAM ha 20 cifre.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="69" />
            <source>Type at least two letters of the name.</source>
            <translation>Digita almeno due lettere del nome.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="73" />
            <source>The operation failed (%1); check the connection.</source>
            <translation>Operazione non riuscita (%1); verificare la connessione.</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="81" />
            <source>Codice fiscale</source>
            <translation>Codice fiscale</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="84" />
            <source>STP code</source>
            <translation>Codice STP</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="85" />
            <source>ENI code</source>
            <translation>Codice ENI</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="86" />
            <source>TEAM card</source>
            <translation>Tessera TEAM</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="87" />
            <location filename="../../ui/pages/patient.py" line="89" />
            <source>Identifier</source>
            <translation>Identificativo</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="95" />
            <source>M</source>
            <translation>M</translation>
        </message>
        <message>
            <location filename="../../ui/pages/patient.py" line="96" />
            <source>F</source>
            <translation>F</translation>
        </message>
    </context>
</TS>