// aws.ec2.instance-public-ip (Security Hub EC2.9): remove every public IPv4 address of the
// instance, interface by interface. An Elastic IP is disassociated (DisassociateAddress: the address
// stays allocated to the account) and the rollback associates the same allocation again. An address
// EC2 assigned at launch is removed with ModifyNetworkInterfaceAttribute AssociatePublicIpAddress
// false (EC2 API Reference: it applies to the primary interface, eth0) and is released: the rollback
// can only ask for a new one, a different address, and says so. Disassociating an Elastic IP from a
// primary interface launched with a public address makes EC2 give it a new one (EC2 User Guide,
// "Elastic IP addresses": "When you disassociate an Elastic IP address from your instance, it
// receives a new public IP address"); the fix removes that one too, and the rollback gives the
// address back before associating the Elastic IP, so the interface ends as it was.
//
// Each interface's association is saved before anything changes, and the fix refuses to run when it
// is not of the kind the investigation judged (an Elastic IP that became a launch address since: the
// exact rollback the verdict relied on no longer exists).
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { publicAddresses, type AddressKind } from './access'

interface Address {
  eni: string
  publicIp: string
  privateIp: string | null
  kind: AddressKind
}

export const ec2PublicIpFix: Omit<FixRenderer, 'control'> = {
  summary: "remove the instance's public IPv4 addresses (disassociate its Elastic IPs, release addresses assigned at launch), saving each interface's association for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'ec2.config', 'inventory/ec2-instances.json')
    const c = cfg.value
    const addrs = publicAddresses(c)
    if (!addrs.length) throw new LastmileError('conflict', `${target.finding}: ${c.instanceId} has no public IPv4 address in the evidence; validate the finding instead`)
    const lost = addrs.find((a) => !a.eni)
    if (lost)
      throw new LastmileError(
        'conflict',
        `${target.finding}: the interface holding ${lost.publicIp} is not in the evidence (ec2-instances.json NetworkInterfaces); collect the EC2 inventory again`
      )
    const addresses: Address[] = addrs.map((a) => ({ eni: a.eni, publicIp: a.publicIp, privateIp: a.privateIp, kind: a.kind }))
    return { values: { instanceId: c.instanceId, account: c.account, region: c.region, addresses }, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { instanceId: string; account: string; region: string; addresses: Address[] }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const r = sq(region)
    const fns = [
      `assoc() { aws ec2 describe-network-interfaces --region ${r} --network-interface-ids "$1" --output json | jq -c '.NetworkInterfaces[0].Association // {}'; }`,
      `public_ip() { assoc "$1" | jq -r '.PublicIp // empty'; }`,
      `saved() { jq -r --arg k "$2" '.[$k] // empty' "$ROLLBACK_DIR/$1.association.json"; }`
    ]
    const launch = v.addresses.filter((a) => a.kind === 'launch')
    const fixSteps = v.addresses.flatMap((a) => {
      const e = sq(a.eni)
      const file = `"$ROLLBACK_DIR/${a.eni}.association.json"`
      const refuse =
        a.kind === 'elastic'
          ? {
              title: `refuse unless ${a.eni} still holds an Elastic IP (the exact rollback the verdict relied on)`,
              check: `[ -n "$(saved ${e} AssociationId)" ] || [ -z "$(saved ${e} PublicIp)" ]`,
              already: `${a.eni} holds an Elastic IP, or no address at all`,
              apply: [
                `say "${a.eni} now holds $(saved ${e} PublicIp), an address assigned at launch, not the Elastic IP ${a.publicIp}: it could not be given back; investigate again"`,
                'exit 1'
              ]
            }
          : a.kind === 'launch'
            ? {
                title: `refuse unless ${a.eni} still holds an address assigned at launch`,
                check: `[ -z "$(saved ${e} AssociationId)" ]`,
                already: `${a.eni} holds no Elastic IP`,
                apply: [`say "${a.eni} now holds the Elastic IP $(saved ${e} PublicIp), not the address the investigation judged: investigate again"`, 'exit 1']
              }
            : null
      return [
        {
          title: `save the public address of ${a.eni} (rollback capture)`,
          check: `[ -e ${file} ]`,
          already: `the association of ${a.eni} was saved by an earlier run`,
          apply: [`assoc ${e} > ${file}`]
        },
        ...(refuse ? [refuse] : []),
        ...(a.kind === 'launch'
          ? []
          : [
              {
                title: `disassociate the Elastic IP from ${a.eni} (it stays allocated to the account)`,
                check: `[ -z "$(saved ${e} AssociationId)" ] || [ "$(assoc ${e} | jq -r '.AssociationId // empty')" != "$(saved ${e} AssociationId)" ]`,
                already: `no Elastic IP association of ${a.eni} to remove`,
                apply: [`aws ec2 disassociate-address --region ${r} --association-id "$(saved ${e} AssociationId)"`]
              }
            ]),
        {
          title: `remove the address EC2 assigned to ${a.eni}, if it has one (released: it cannot be given back)`,
          check: `[ -z "$(public_ip ${e})" ]`,
          already: `${a.eni} has no public IPv4 address`,
          apply: [
            `touch "$ROLLBACK_DIR/${a.eni}.launch-address-removed"`,
            `aws ec2 modify-network-interface-attribute --region ${r} --network-interface-id ${e} --no-associate-public-ip-address`
          ],
          verify: `[ -z "$(public_ip ${e})" ]`
        }
      ]
    })
    const rollbackSteps = v.addresses.flatMap((a) => {
      const e = sq(a.eni)
      const marker = `"$ROLLBACK_DIR/${a.eni}.launch-address-removed"`
      return [
        {
          title: `read the association of ${a.eni} saved by the fix`,
          check: `[ -e "$ROLLBACK_DIR/${a.eni}.association.json" ]`,
          already: 'the saved association is there',
          apply: [`say "no saved association of ${a.eni} in $ROLLBACK_DIR: the fix did not run here"`, 'exit 1']
        },
        {
          title: `give ${a.eni} an address assigned by EC2 again, if the fix removed one (a NEW address: the old one is gone)`,
          check: `[ ! -e ${marker} ] || [ -n "$(public_ip ${e})" ]`,
          already: `${a.eni} needs no address assigned by EC2`,
          apply: [`aws ec2 modify-network-interface-attribute --region ${r} --network-interface-id ${e} --associate-public-ip-address`],
          verify: `[ -n "$(public_ip ${e})" ]`
        },
        {
          title: `associate the Elastic IP with ${a.eni} again, as before the fix`,
          check: `[ -z "$(saved ${e} AllocationId)" ] || [ "$(assoc ${e} | jq -r '.AllocationId // empty')" = "$(saved ${e} AllocationId)" ]`,
          already: `${a.eni} holds the saved Elastic IP, or had none`,
          apply: [
            `aws ec2 associate-address --region ${r} --allocation-id "$(saved ${e} AllocationId)" --network-interface-id ${e}${a.privateIp ? ` --private-ip-address ${sq(a.privateIp)}` : ''} --output json >/dev/null`
          ],
          verify: `[ -z "$(saved ${e} AllocationId)" ] || [ "$(assoc ${e} | jq -r '.AllocationId // empty')" = "$(saved ${e} AllocationId)" ]`
        }
      ]
    })
    const names = v.addresses.map((a) => `${a.publicIp} on ${a.eni}`).join(', ')
    const fix = bashScript({
      title: `Fix: remove the public IPv4 addresses of ${v.instanceId}`,
      lines: [
        ...header,
        `Removes ${names}. Clients on the internet can no longer open connections to the instance; when its subnet routes to an internet gateway, it can no longer reach the internet either.`,
        ...(launch.length
          ? [`${launch.map((a) => a.publicIp).join(', ')} ${launch.length > 1 ? 'were' : 'was'} assigned at launch: released for good, the rollback gives a NEW address.`]
          : [])
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: fixSteps,
      done: `${v.instanceId} has no public IPv4 address`
    })
    const rollback = bashScript({
      title: `Rollback: give ${v.instanceId} its public IPv4 addresses back`,
      lines: [
        ...header,
        'Elastic IPs are associated again exactly (the same allocation and address).',
        ...(launch.length
          ? [
              `An address assigned at launch cannot be given back: ${launch.map((a) => a.eni).join(', ')} get${launch.length > 1 ? '' : 's'} a NEW address; update whatever held the old one.`
            ]
          : [])
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: rollbackSteps,
      done: `the public IPv4 addresses of ${v.instanceId} are back${launch.length ? ' (new addresses where EC2 had assigned them)' : ''}`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `remove the public IPv4 addresses of ${v.instanceId}`, fix)],
      rollback: [
        artefact(
          ctx,
          'aws-cli',
          'bash',
          'rollback.sh',
          `give ${v.instanceId} its public IPv4 addresses back${launch.length ? ' (new addresses where EC2 had assigned them)' : ''}`,
          rollback
        )
      ],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ec2:DescribeNetworkInterfaces, ec2:DisassociateAddress, ec2:AssociateAddress and ec2:ModifyNetworkInterfaceAttribute in ${region}`
      ],
      validation: validationText(t),
      notes: [
        'the instance keeps its private addresses; load balancers, peered VPCs and VPN clients reach it as before',
        'a disassociated Elastic IP stays allocated to the account (and billed) until it is released: release it once the change has held',
        ...(launch.length ? [`${launch.map((a) => a.publicIp).join(', ')} cannot be given back: the rollback's address is a new one`] : [])
      ]
    }
  }
}
