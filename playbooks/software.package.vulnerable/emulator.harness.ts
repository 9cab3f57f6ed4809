// software.package.vulnerable in the emulator harness (test/emulator/fixes-in-emulator.test.ts): not run.
// The scripts act inside the instance, through Systems Manager Run Command: the package manager
// installs versions on the host and reports what is installed. moto records send-command but runs
// nothing on an instance (no SSM agent, no package database), so no state would change for a
// snapshot to compare; the rendered scripts are checked by fix.test.ts (their commands, bash -n).
export const cannotRun = 'the fix runs the package manager inside the instance through Run Command; moto runs no command on an instance, so nothing would change to observe'
