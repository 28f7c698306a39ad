; Inno Setup 6 script: per-machine installer of the PyInstaller one-folder bundle.
; Build on Windows (from the repository root, after ./dev setup and pyinstaller):
;   .venv\Scripts\pyinstaller --noconfirm --distpath build\dist --workpath build\work installers\pyinstaller\telemed-workstation.spec
;   iscc /DAppVersion=0.1.0 installers\windows\telemed-workstation.iss
; Code signing: configure a sign tool named "signtool" in the Inno Setup IDE or pass
;   iscc "/Ssigntool=signtool.exe sign /fd sha256 /tr http://timestamp.example /td sha256 /n $qSubject$q $f" ...
; and define Sign=1: the installer and the uninstaller are then signed.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B1E3A52-8C1F-4B43-9E44-3C0B7E9B2A11}
AppName=Telemedicine workstation
AppVersion={#AppVersion}
AppPublisher=IRT Lombardia
DefaultDirName={autopf}\Telemedicine workstation
DefaultGroupName=Telemedicine workstation
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\installer
OutputBaseFilename=telemed-workstation-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\telemed-workstation.exe
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "italian"; MessagesFile: "compiler:Languages\Italian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\build\dist\telemed-workstation\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Telemedicine workstation"; Filename: "{app}\telemed-workstation.exe"
Name: "{group}\Uninstall Telemedicine workstation"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\telemed-workstation.exe"; Description: "{cm:LaunchProgram,Telemedicine workstation}"; Flags: nowait postinstall skipifsilent
