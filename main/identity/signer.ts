// Who a person is, as a key. Every decision a person makes on a case (a plan request, an approval,
// a risk acceptance, …) is signed by that person's own key over the audit entry it creates, so
// four-eyes compares two KEYS, not two names typed into a form.
//
// `PersonSigner` is the one interface the rest of Lastmile sees. Today there are two kinds:
// - a personal Ed25519 key pair, made on first use and kept wrapped: by the OS keystore in the app
//   (sealed-key.ts), in a 0600 key file in the command line (key-file.ts); its name is bound to the
//   key once, when it is made;
// - an organisation certificate (PKCS#12): the name is the certificate's common name.
// A smart card or PKCS#11 token is a third implementation of the same interface: `descriptor`
// carries its certificate (kind 'pkcs12' is verified from the certificate alone, wherever the
// private key lives) and `sign` calls the token (C_Sign through pkcs11js, which is synchronous).
// Nothing else changes: verification needs only the descriptor stored in the case.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { signWith, spkiFingerprint, type SignerDescriptor } from '../audit/checkpoint-signer'
import { loadPkcs12 } from '../audit/pkcs12'
import { LastmileError } from '../errors'

export interface PersonSigner {
  /** the key id: the SHA-256 fingerprint of the public key (personal key) or certificate, `AB:CD:…` */
  readonly id: string
  /** the person's name: bound to a personal key when it was made, or the certificate's common name */
  readonly name: string
  /** the OS account that holds the key (recorded beside the name) */
  readonly osUser: string
  /** what a verifier needs: the public key (kind 'person') or the certificate (kind 'pkcs12') */
  readonly descriptor: SignerDescriptor
  sign(data: Buffer): Buffer
}

/** A personal Ed25519 key (its private half already unwrapped). */
export function personalSigner(privateKey: KeyObject, name: string, osUser: string): PersonSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new LastmileError('bad-input', `a personal signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`)
  const publicKey = createPublicKey(privateKey)
  const id = spkiFingerprint(publicKey)
  return {
    id,
    name,
    osUser,
    descriptor: { kind: 'person', algorithm: 'ed25519', fingerprint: id, subject: name, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    sign: (data) => signWith('ed25519', privateKey, data)
  }
}

export function personalSignerFromPem(pkcs8Pem: string, name: string, osUser: string): PersonSigner {
  return personalSigner(createPrivateKey(pkcs8Pem), name, osUser)
}

/** The common name of an X.509 subject (`CN=Rita Reviewer, O=Acme`), else the whole subject. */
function commonName(subject: string): string {
  const cn = subject.split(/\n|,\s*/).find((p) => p.startsWith('CN='))
  return (cn ? cn.slice(3) : subject).trim()
}

/** An organisation certificate (PKCS#12): the person is who the certificate names. */
export function certificateSigner(path: string, passphrase: string, osUser: string): PersonSigner {
  const key = loadPkcs12(path, passphrase)
  const name = commonName(key.certificate.subject)
  if (!name) throw new LastmileError('bad-input', `${path}: the certificate names nobody (its subject has no common name)`)
  return { id: key.descriptor.fingerprint, name, osUser, descriptor: key.descriptor, sign: key.sign }
}
