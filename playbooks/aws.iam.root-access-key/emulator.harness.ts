// aws.iam.root-access-key in the emulator harness (test/emulator/fixes-in-emulator.test.ts): not run.
// The scripts act on the caller's own keys as the root user (list-access-keys, update-access-key and
// delete-access-key without --user-name, after checking the caller is arn:aws:iam::<account>:root).
// moto has no root user: it resolves a call without --user-name to the IAM user owning the caller's
// access key, and its caller is never the root ARN. Seeding an IAM user in its place would test a
// pretence, so the harness says so instead of running them.
export const cannotRun = "moto has no root user: calls without --user-name resolve to an IAM user's keys and get-caller-identity never returns arn:aws:iam::<account>:root"
