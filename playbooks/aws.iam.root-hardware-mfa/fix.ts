// aws.iam.root-hardware-mfa (Security Hub IAM.6): a procedure, never a script. Only a person holding the hardware
// device, signed in as root, can register it (the device answers a challenge in the browser, or its code is
// typed in); IAM has no call an administrator could make for root. The steps are gated: register the hardware
// device (root may hold up to eight MFA devices, so the virtual one keeps working meanwhile), sign out and in
// again with it, hand it (and a second one, kept apart) to whoever signs in as root, and only then remove the
// virtual device. The rollback is exact until the last step (remove the hardware device again); after it, a
// virtual device can be registered again but not the same one (its secret is gone), and the rollback says so.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, latestConfig, validationText } from '../../main/controls/fix-common'
import { LastmileError } from '../../main/errors'
import { listBundles, listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import { loadVirtualMfaDevices } from '../../main/controls/iam-authorization'
import { accountOf, devicesText, rootArn, rootMfa } from './mfa'

interface Inputs {
  account: string
  /** the virtual devices assigned to root (none: root has no MFA at all) */
  virtual: string[]
  virtualText: string
}

export const rootHardwareMfaFix: Omit<FixRenderer, 'control'> = {
  summary: "register a hardware MFA device on the root user, prove it, then remove root's virtual MFA device — manual steps for the person holding the device",
  inputs(db, target) {
    const account = accountOf(target.resourceId, target.account)
    if (!account) throw new LastmileError('not-found', `${target.finding}: the AWS account of ${target.resourceId} is unknown`)
    const files = listEvidence(db)
    const row = latestConfig(db, rootArn(account), 'iam.credential-report')
    const devices = loadVirtualMfaDevices(files, (id) => readEvidenceBytes(db, id), account, "whether root's MFA is a virtual device")
    const m = rootMfa(account, row?.value.mfaActive ?? null, devices)
    if (m.state === 'hardware')
      throw new LastmileError('conflict', `${target.finding}: the root user of ${account} has hardware MFA only in the evidence; validate the finding instead`)
    if (m.state === 'unknown') throw new LastmileError('not-found', `${target.finding}: ${m.why}; add an evidence bundle with it before planning`)
    const values: Inputs = { account, virtual: m.state === 'virtual' ? m.devices.map((d) => d.SerialNumber) : [], virtualText: m.state === 'virtual' ? devicesText(m.devices) : '' }
    const evidence = [...(row?.evidence ?? []), ...(devices.ok ? [devices.file] : [])]
    const file = devices.ok ? files.find((f) => f.id === devices.file) : undefined
    const collectedAt = row?.collectedAt ?? (file ? (listBundles(db).find((b) => b.id === file.bundle)?.collectedAt ?? file.addedAt) : new Date(0).toISOString())
    return { values: values as unknown as Record<string, unknown>, evidence, collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Inputs
    const had = v.virtual.length ? `the virtual MFA device ${v.virtualText}` : 'no MFA device at all'
    const procedure = [
      `# ${t.finding}: the root user of ${v.account} signs in with a hardware MFA device`,
      '',
      `Today the root user has ${had}. No script can change this: a person holding the hardware device, signed in as root, registers it. Each step below is a gate: do not start one before the one above it is done and recorded in the case.`,
      '',
      '## Before you start',
      '',
      '1. Get two hardware devices: FIDO2 security keys (or hardware TOTP tokens AWS supports). Root may hold up to eight MFA devices; the second is the spare, kept apart (a safe, another site).',
      "2. Tell everyone the investigation names as signing in as root (its `root-used` answer: days, addresses) that root's MFA changes, and who will hold the devices.",
      '',
      '## Gate 1 — register the hardware device',
      '',
      `3. Sign in to the AWS Management Console as the root user of ${v.account} (email address, password${v.virtual.length ? ', and the virtual device as today' : ''}).`,
      '4. Account menu (top right) → **Security credentials** → **Multi-factor authentication (MFA)** → **Assign MFA device**: name it, choose **Passkey or security key** (FIDO) or **Hardware TOTP token**, and follow the prompts with the device.',
      '5. Do the same for the spare device.',
      '',
      '## Gate 2 — prove it',
      '',
      '6. Sign out. Sign in as root again, choosing the hardware device when asked for MFA. Only if that works, go on.',
      '7. Hand the device to whoever signs in as root; put the spare away. Record both in the case (who holds which).',
      '',
      ...(v.virtual.length
        ? [
            '## Gate 3 — remove the virtual device',
            '',
            `8. **Security credentials** → **Multi-factor authentication (MFA)**: select the virtual device (${v.virtualText}) → **Remove**. From now on only the hardware devices sign root in.`,
            '9. Delete the authenticator app entry for it on the phone it was on.',
            ''
          ]
        : []),
      '## Afterwards',
      '',
      "10. Ask Lastmile to validate the finding (a new evidence bundle: the credential report and the virtual MFA devices), or wait for the next scan: Config's root-account-hardware-mfa-enabled turns compliant once no virtual device is assigned to root.",
      ''
    ].join('\n')
    const rollback = [
      `# ${t.finding}: undo the hardware MFA change on the root user of ${v.account}`,
      '',
      `- **Before the virtual device was removed** (gates 1–2): sign in as root, **Security credentials** → **Multi-factor authentication (MFA)**, select each hardware device registered by this plan → **Remove**. Root is exactly as it was: ${had}.`,
      ...(v.virtual.length
        ? [
            '- **After gate 3**: the virtual device cannot be put back as it was (its secret was deleted with it). To sign in with an authenticator app again, **Assign MFA device** → **Authenticator app** registers a new one. The Security Hub finding reopens.'
          ]
        : []),
      "- **A hardware device is lost**: sign in with the spare and remove the lost one. If both are lost, AWS's root MFA recovery (sign in with alternative factors: the account's email address and phone number) lets the root user in to register a new device.",
      ''
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'procedure', 'markdown', 'procedure.md', `register a hardware MFA device on the root user of ${v.account}, then remove its virtual device`, procedure)
      ],
      rollback: [artefact(ctx, 'procedure', 'markdown', 'rollback.md', `remove the hardware device again, or register a virtual device anew`, rollback)],
      preconditions: [
        `a person who can sign in as the root user of ${v.account} (its email address and password${v.virtual.length ? ', and the virtual MFA device' : ''}), holding two hardware MFA devices`,
        'everyone who signs in as root (the investigation names when and from where) knows the change and who holds the devices'
      ],
      validation: validationText(t),
      notes: [
        'no script: registering an MFA device on root needs the device in hand and a root sign-in; IAM has no call an IAM user or role could make for it',
        'in an AWS Organization, centralized root access (the management account deleting member accounts’ root credentials) removes the need for root MFA in member accounts altogether'
      ]
    }
  }
}
