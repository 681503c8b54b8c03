; Inno Setup script for Windows: a per-user install, no administrator rights needed.
; Build on Windows after `make dist` (see installer/README.md):
;   iscc /DAppVersion=0.1.0 installer\kesos.iss
; The version comes from kesos_desktop/__init__.py (__version__); build_windows.ps1 passes it.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z installer\kesos.iss
#endif

[Setup]
AppId={{6C2E6F7A-9C1B-4C55-9D4B-3B1A7E0D2F11}
AppName=Kesos Desktop
AppVersion={#AppVersion}
AppVerName=Kesos Desktop {#AppVersion}
AppPublisher=Kesos Desktop
DefaultDirName={localappdata}\Programs\Kesos Desktop
DefaultGroupName=Kesos Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=KesosDesktop-{#AppVersion}-setup
SetupIconFile=..\resources\icons\kesos.ico
UninstallDisplayIcon={app}\kesos-desktop.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "indonesian"; MessagesFile: "compiler:Languages\Indonesian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\kesos-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Kesos Desktop"; Filename: "{app}\kesos-desktop.exe"
Name: "{group}\{cm:UninstallProgram,Kesos Desktop}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Kesos Desktop"; Filename: "{app}\kesos-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kesos-desktop.exe"; Description: "{cm:LaunchProgram,Kesos Desktop}"; Flags: nowait postinstall skipifsilent

; The data (database, backups, attachments) lives in %LOCALAPPDATA%\KesosDesktop, created by the
; app, never under the program folder: the uninstaller removes only the files it installed, so
; the facility's data stays.
