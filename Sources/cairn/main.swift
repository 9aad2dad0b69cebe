// The `cairn` CLI: a thin layer over the control API and the offline key-ceremony code.
// Exit codes: 0 success, 1 refused or failed, 2 usage, 3 daemon unreachable (see CLIExit.swift).
CairnCommand.runAndExit()
