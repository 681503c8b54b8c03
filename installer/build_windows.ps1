# Build the Windows installer on a Windows PC with Python 3.11+ and Inno Setup 6 installed.
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
$ErrorActionPreference = "Stop"
python -m venv .venv
.venv\Scripts\python -m pip install -e ".[test]" pyinstaller
Get-ChildItem resources\translations -Recurse -Filter *.po | ForEach-Object {
    .venv\Scripts\python -m babel.messages.frontend compile --use-fuzzy -i $_.FullName -o ($_.FullName -replace '\.po$', '.mo')
}
.venv\Scripts\pyinstaller installer\kesos.spec --noconfirm --distpath dist --workpath build
$version = (.venv\Scripts\python -c "import kesos_desktop; print(kesos_desktop.__version__)").Trim()
& "${env:ProgramFiles(x86)}\Inno Setup 6\iscc.exe" "/DAppVersion=$version" installer\kesos.iss
Write-Host "Installer: dist\KesosDesktop-$version-setup.exe"
