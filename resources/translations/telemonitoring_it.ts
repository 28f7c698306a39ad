<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>Areas</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="143"/>
        <source>Telemonitoring</source>
        <translation>Telemonitoraggio</translation>
    </message>
</context>
<context>
    <name>ManualEntryDialog</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="88"/>
        <location filename="../../ui/pages/telemonitoring.py" line="89"/>
        <source>Manual reading</source>
        <translation>Misurazione manuale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="91"/>
        <source>Parameter</source>
        <translation>Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="95"/>
        <source>Value</source>
        <translation>Valore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="98"/>
        <source>Time of measurement</source>
        <translation>Ora della misurazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="102"/>
        <source>&amp;Parameter</source>
        <translation>&amp;Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="103"/>
        <source>&amp;Value</source>
        <translation>&amp;Valore</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="104"/>
        <source>&amp;Time</source>
        <translation>&amp;Ora</translation>
    </message>
</context>
<context>
    <name>Parameter</name>
    <message>
        <location filename="../../ui/trend_view.py" line="573"/>
        <source>Systolic BP</source>
        <translation>PA sistolica</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="574"/>
        <source>Diastolic BP</source>
        <translation>PA diastolica</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="575"/>
        <source>Heart rate</source>
        <translation>Frequenza cardiaca</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="576"/>
        <source>SpO2</source>
        <translation>SpO2</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="577"/>
        <source>Weight</source>
        <translation>Peso</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="578"/>
        <source>Glucose</source>
        <translation>Glicemia</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="579"/>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="580"/>
        <source>Respiratory rate</source>
        <translation>Frequenza respiratoria</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="60"/>
        <source>Hypertension</source>
        <translation>Ipertensione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="61"/>
        <source>Heart failure</source>
        <translation>Scompenso cardiaco</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="62"/>
        <source>Diabetes</source>
        <translation>Diabete</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="63"/>
        <source>COPD</source>
        <translation>BPCO</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="64"/>
        <source>Oncology</source>
        <translation>Oncologia</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="65"/>
        <source>Neurology</source>
        <translation>Neurologia</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../../ui/trend_view.py" line="597"/>
        <source>Information</source>
        <translation>Informazione</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="598"/>
        <source>Warning</source>
        <translation>Attenzione</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="599"/>
        <source>Critical</source>
        <translation>Critico</translation>
    </message>
</context>
<context>
    <name>TelemonitoringPage</name>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="260"/>
        <source>&amp;Condition:</source>
        <translation>&amp;Condizione:</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="261"/>
        <source>Filter by condition</source>
        <translation>Filtra per condizione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="262"/>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="263"/>
        <source>Refresh the worklist (F5)</source>
        <translation>Aggiorna l&apos;elenco (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="265"/>
        <source>Urgency</source>
        <translation>Urgenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="265"/>
        <source>Patient</source>
        <translation>Paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="265"/>
        <source>Condition</source>
        <translation>Condizione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="265"/>
        <source>Latest alert</source>
        <translation>Ultimo allarme</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="267"/>
        <source>Patients by urgency</source>
        <translation>Pazienti per urgenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="268"/>
        <source>Enter opens the patient&apos;s trends</source>
        <translation>Invio apre gli andamenti del paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="269"/>
        <source>&amp;Alerts of the selected patient</source>
        <translation>&amp;Allarmi del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="270"/>
        <source>Alerts of the selected patient</source>
        <translation>Allarmi del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="271"/>
        <source>&amp;Open patient</source>
        <translation>Apri &amp;paziente</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="272"/>
        <source>Open the selected patient&apos;s trends</source>
        <translation>Apri gli andamenti del paziente selezionato</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="273"/>
        <source>Ac&amp;knowledge</source>
        <translation>Prendi in car&amp;ico</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="274"/>
        <source>Acknowledge the selected alert (Ctrl+K)</source>
        <translation>Prendi in carico l&apos;allarme selezionato (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="275"/>
        <source>&amp;Teleassistance</source>
        <translation>&amp;Teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="276"/>
        <source>Start a teleassistance call (Ctrl+T)</source>
        <translation>Avvia una chiamata di teleassistenza (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="277"/>
        <source>&amp;Manual reading</source>
        <translation>&amp;Misurazione manuale</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="278"/>
        <source>Enter a reading by hand (Ctrl+M)</source>
        <translation>Inserisci una misurazione a mano (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="309"/>
        <source>Loading the worklist</source>
        <translation>Caricamento dell&apos;elenco</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="330"/>
        <source>All conditions</source>
        <translation>Tutte le condizioni</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="348"/>
        <source>None</source>
        <translation>Nessuna</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="392"/>
        <source>acknowledged</source>
        <translation>preso in carico</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="393"/>
        <source>resolved</source>
        <translation>risolto</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="415"/>
        <source>Select a patient and press Enter to see the trends</source>
        <translation>Seleziona un paziente e premi Invio per vedere gli andamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="465"/>
        <source>Loading the trends</source>
        <translation>Caricamento degli andamenti</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="489"/>
        <source>Acknowledging the alert</source>
        <translation>Presa in carico dell&apos;allarme</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="501"/>
        <source>Starting teleassistance</source>
        <translation>Avvio della teleassistenza</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="530"/>
        <source>Saving the reading</source>
        <translation>Salvataggio della misurazione</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="537"/>
        <source>Export image</source>
        <translation>Esporta immagine</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="544"/>
        <source>Export CSV</source>
        <translation>Esporta CSV</translation>
    </message>
    <message>
        <location filename="../../ui/pages/telemonitoring.py" line="551"/>
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
        <location filename="../../ui/trend_view.py" line="524"/>
        <source>Parameter</source>
        <translation>Parametro</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="525"/>
        <source>Readings</source>
        <translation>Misurazioni</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="526"/>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="527"/>
        <source>Mean</source>
        <translation>Media</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="528"/>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="529"/>
        <source>Last</source>
        <translation>Ultimo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="530"/>
        <source>Target</source>
        <translation>Obiettivo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="532"/>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <location filename="../../ui/trend_view.py" line="533"/>
        <source>Alerts</source>
        <translation>Allarmi</translation>
    </message>
</context>
</TS>
