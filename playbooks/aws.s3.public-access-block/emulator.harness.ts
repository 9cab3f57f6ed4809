// aws.s3.public-access-block in the emulator harness: the bucket or account Block Public Access, seeded and read back
// (shared with the other Block Public Access control: test/emulator/s3.ts).
export { publicAccessBlockHarness as harness } from '../../test/emulator/s3'
