<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>AlertText</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="116"/>
        <source>at or above %1 %2</source>
        <translation>pari o superiore a %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="120"/>
        <source>at or below %1 %2</source>
        <translation>pari o inferiore a %1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="124"/>
        <source>between %1 and %2 %3</source>
        <translation>tra %1 e %2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="130"/>
        <source>information threshold</source>
        <translation>soglia informativa</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="131"/>
        <source>warning threshold</source>
        <translation>soglia di attenzione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="132"/>
        <source>critical threshold</source>
        <translation>soglia critica</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="135"/>
        <source>%1 %2 %3 on %4 is %5 (%6)</source>
        <translation>%1 %2 %3 il %4: %5 (%6)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="146"/>
        <source>%1 %2 %3 on %4: %5 %3 since %6 (%7 %3 on %8; rule: %9 %3 in %10 days)</source>
        <translation>%1 %2 %3 il %4: %5 %3 dal %6 (%7 %3 il %8; regola: %9 %3 in %10 giorni)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="165"/>
        <source>No %1 reading yet; the care plan expects one every %2 h</source>
        <translation>Nessuna misurazione di %1; il piano di cura ne prevede una ogni %2 h</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="172"/>
        <source>No %1 reading since %2 (%3 h ago); the care plan expects one every %4 h</source>
        <translation>Nessuna misurazione di %1 dal %2 (%3 h fa); il piano di cura ne prevede una ogni %4 h</translation>
    </message>
</context>
<context>
    <name>Areas</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="259"/>
        <source>Telemonitoring</source>
        <translation>Telemonitoraggio</translation>
    </message>
</context>
<context>
    <name>ManualEntryDialog</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="204"/>
        <location filename="../../ui/pages/telemonitoring.py" line="205"/>
        <source>Manual reading</source>
        <translation>Misurazione manuale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="207"/>
        <source>Parameter</source>
        <translation>Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="211"/>
        <source>Value</source>
        <translation>Valore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="214"/>
        <source>Time of measurement</source>
        <translation>Ora della misurazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="218"/>
        <source>&amp;Parameter</source>
        <translation>&amp;Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="219"/>
        <source>&amp;Value</source>
        <translation>&amp;Valore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="220"/>
        <source>&amp;Time</source>
        <translation>&amp;Ora</translation>
    </message>
</context>
<context>
    <name>Parameter</name>
    <message>
        <location filename="../../ui/trend_view.py" line="586"/>
        <source>Systolic BP</source>
        <translation>PA sistolica</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="587"/>
        <source>Diastolic BP</source>
        <translation>PA diastolica</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="588"/>
        <source>Heart rate</source>
        <translation>Frequenza cardiaca</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="589"/>
        <source>SpO2</source>
        <translation>SpO2</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="590"/>
        <source>Weight</source>
        <translation>Peso</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="591"/>
        <source>Glucose</source>
        <translation>Glicemia</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="592"/>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="593"/>
        <source>Respiratory rate</source>
        <translation>Frequenza respiratoria</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="76"/>
        <source>Hypertension</source>
        <translation>Ipertensione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="77"/>
        <source>Heart failure</source>
        <translation>Scompenso cardiaco</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="78"/>
        <source>Diabetes</source>
        <translation>Diabete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="79"/>
        <source>COPD</source>
        <translation>BPCO</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="80"/>
        <source>Oncology</source>
        <translation>Oncologia</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="81"/>
        <source>Neurology</source>
        <translation>Neurologia</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../../ui/trend_view.py" line="610"/>
        <source>Information</source>
        <translation>Informazione</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="611"/>
        <source>Warning</source>
        <translation>Attenzione</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="612"/>
        <source>Critical</source>
        <translation>Critico</translation>
    </message>
</context>
<context>
    <name>TelemonitoringPage</name>
    <message>
        <source>Offline: showing the care plans and alerts saved at %1. Readings taken now are kept and sent when the link is back.</source>
        <translation>Offline: sono mostrati i piani di cura e gli allarmi salvati il %1. Le misurazioni fatte ora sono conservate e inviate quando la connessione torna.</translation>
    </message>
    <message>
        <source>Worklist not updated (%1): showing the last loaded data.</source>
        <translation>Elenco non aggiornato (%1): sono mostrati gli ultimi dati caricati.</translation>
    </message>
    <message>
        <source>Acknowledge alert</source>
        <translation>Presa in carico dell&apos;allarme</translation>
    </message>
    <message>
        <source>Log in or unlock the workstation to acknowledge alerts.</source>
        <translation>Accedi o sblocca la postazione per prendere in carico gli allarmi.</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="385"/>
        <source>&amp;Condition:</source>
        <translation>&amp;Condizione:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="386"/>
        <source>Filter by condition</source>
        <translation>Filtra per condizione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="387"/>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="388"/>
        <source>Refresh the worklist (F5)</source>
        <translation>Aggiorna l&apos;elenco (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="390"/>
        <source>Urgency</source>
        <translation>Urgenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="390"/>
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="390"/>
        <source>Condition</source>
        <translation>Condizione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="390"/>
        <source>Latest alert</source>
        <translation>Ultimo allarme</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="392"/>
        <source>Patients by urgency</source>
        <translation>Pazienti per urgenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="393"/>
        <source>Enter opens the patient&apos;s trends</source>
        <translation>Invio apre gli andamenti del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="394"/>
        <source>&amp;Alerts of the selected patient</source>
        <translation>&amp;Allarmi del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="395"/>
        <source>Alerts of the selected patient</source>
        <translation>Allarmi del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="396"/>
        <source>&amp;Open patient</source>
        <translation>Apri &amp;paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="397"/>
        <source>Open the selected patient&apos;s trends</source>
        <translation>Apri gli andamenti del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="398"/>
        <source>Ac&amp;knowledge</source>
        <translation>Prendi in car&amp;ico</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="399"/>
        <source>Acknowledge the selected alert (Ctrl+K)</source>
        <translation>Prendi in carico l&apos;allarme selezionato (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="400"/>
        <source>&amp;Teleassistance</source>
        <translation>&amp;Teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="401"/>
        <source>Start a teleassistance call (Ctrl+T)</source>
        <translation>Avvia una chiamata di teleassistenza (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="402"/>
        <source>&amp;Manual reading</source>
        <translation>&amp;Misurazione manuale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="403"/>
        <source>Enter a reading by hand (Ctrl+M)</source>
        <translation>Inserisci una misurazione a mano (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="434"/>
        <source>Loading the worklist</source>
        <translation>Caricamento dell&apos;elenco</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="455"/>
        <source>All conditions</source>
        <translation>Tutte le condizioni</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="473"/>
        <source>No alert</source>
        <translation>Nessun allarme</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="517"/>
        <source>acknowledged</source>
        <translation>preso in carico</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="518"/>
        <source>resolved</source>
        <translation>risolto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="540"/>
        <source>Select a patient to see the alerts and trends</source>
        <translation>Seleziona un paziente per vederne allarmi e andamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="590"/>
        <source>Loading the trends</source>
        <translation>Caricamento degli andamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="614"/>
        <source>Acknowledging the alert</source>
        <translation>Presa in carico dell&apos;allarme</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="626"/>
        <source>Starting teleassistance</source>
        <translation>Avvio della teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="655"/>
        <source>Saving the reading</source>
        <translation>Salvataggio della misurazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="662"/>
        <source>Export image</source>
        <translation>Esporta immagine</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="669"/>
        <source>Export CSV</source>
        <translation>Esporta CSV</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="676"/>
        <source>Print summary</source>
        <translation>Stampa riepilogo</translation>
    </message>
</context>
<context>
    <name>TrendView</name>
    <message>
        <location filename="../../ui/trend_view.py" line="166"/>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="167"/>
        <source>7 d</source>
        <translation>7 g</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="168"/>
        <source>30 d</source>
        <translation>30 g</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="169"/>
        <source>1 y</source>
        <translation>1 a</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="170"/>
        <source>All</source>
        <translation>Tutto</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="173"/>
        <source>last 24 hours</source>
        <translation>ultime 24 ore</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="174"/>
        <source>last 7 days</source>
        <translation>ultimi 7 giorni</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="175"/>
        <source>last 30 days</source>
        <translation>ultimi 30 giorni</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="176"/>
        <source>last year</source>
        <translation>ultimo anno</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="177"/>
        <source>all data</source>
        <translation>tutti i dati</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="181"/>
        <source>Show %1</source>
        <translation>Mostra %1</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="183"/>
        <source>Export image</source>
        <translation>Esporta immagine</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="184"/>
        <source>Export the plots as a PNG image</source>
        <translation>Esporta i grafici come immagine PNG</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="185"/>
        <source>Export CSV</source>
        <translation>Esporta CSV</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="186"/>
        <source>Export the visible data as CSV</source>
        <translation>Esporta i dati visibili in CSV</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="187"/>
        <source>Print summary</source>
        <translation>Stampa riepilogo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="188"/>
        <source>Save a printable summary as PDF</source>
        <translation>Salva un riepilogo stampabile in PDF</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="189"/>
        <source>Trend plots</source>
        <translation>Grafici degli andamenti</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="191"/>
        <source>Left and Right pan, + and - zoom, Home shows all data</source>
        <translation>Sinistra e Destra spostano, + e - ingrandiscono o riducono, Home mostra tutti i dati</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="193"/>
        <source>Value under the pointer</source>
        <translation>Valore sotto il puntatore</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="454"/>
        <source>bonded device %1</source>
        <translation>dispositivo associato %1</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="455"/>
        <source>unbonded device %1</source>
        <translation>dispositivo non associato %1</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="456"/>
        <source>manual entry</source>
        <translation>inserimento manuale</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="457"/>
        <source>third-party platform %1</source>
        <translation>piattaforma di terze parti %1</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="530"/>
        <source>Parameter</source>
        <translation>Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="531"/>
        <source>Readings</source>
        <translation>Misurazioni</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="532"/>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="533"/>
        <source>Mean</source>
        <translation>Media</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="534"/>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="535"/>
        <source>Last</source>
        <translation>Ultimo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="536"/>
        <source>Target</source>
        <translation>Obiettivo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="538"/>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="539"/>
        <source>Alerts</source>
        <translation>Allarmi</translation>
    </message>
</context>
</TS>
