@echo off
rem EdgeLLM USB kit launcher for Windows: starts the kit's edgellm.exe for this machine and passes every
rem argument through, with the kit's models folder set.
setlocal
set "KIT=%~dp0"
set "RID=win-x64"
if /i "%PROCESSOR_ARCHITECTURE%"=="ARM64" if exist "%KIT%bin\win-arm64\edgellm.exe" set "RID=win-arm64"
set "BINARY=%KIT%bin\%RID%\edgellm.exe"
if not exist "%BINARY%" (
  echo edgellm.cmd: this kit has no Windows binary ^(%BINARY%^) 1>&2
  exit /b 1
)
set "EDGELLM_MODELS=%KIT%models"
set "EDGELLM_KIT=%KIT:~0,-1%"
"%BINARY%" %*
exit /b %ERRORLEVEL%
