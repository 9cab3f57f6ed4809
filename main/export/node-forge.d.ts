// The slice of node-forge Lastmile uses: opening a PKCS#12 file (node:crypto cannot), nothing
// else, and making the demo's throw-away certificate. node-forge ships no types and @types/node-forge is not installed; these declarations cover
// only the calls made in main/audit/checkpoint-signer.ts and main/export/demo-certificate.ts.
declare module 'node-forge' {
  namespace forge {
    interface ByteStringBuffer {
      getBytes(): string
    }
    interface Asn1 {
      tagClass: number
      type: number
      constructed: boolean
      value: Asn1[] | string
    }
    interface Pkcs12Bag {
      type: string
      key?: unknown | null
      cert?: unknown | null
      /** set when forge cannot model the key or certificate itself (EC keys, EC certificates) */
      asn1?: Asn1
      attributes: Record<string, unknown[] | undefined>
    }
    interface Pkcs12Pfx {
      getBags(filter: { bagType: string }): Record<string, Pkcs12Bag[] | undefined>
    }
    const asn1: {
      fromDer(bytes: string | ByteStringBuffer, strict?: boolean): Asn1
      toDer(obj: Asn1): ByteStringBuffer
    }
    interface Certificate {
      publicKey: unknown
      serialNumber: string
      validity: { notBefore: Date; notAfter: Date }
      setSubject(attrs: Array<{ name?: string; shortName?: string; value: string }>): void
      setIssuer(attrs: Array<{ name?: string; shortName?: string; value: string }>): void
      setExtensions(exts: Array<Record<string, unknown>>): void
      sign(key: unknown, md: unknown): void
    }
    const pkcs12: {
      pkcs12FromAsn1(obj: Asn1, strict: boolean, password: string): Pkcs12Pfx
      toPkcs12Asn1(key: unknown, cert: unknown, password: string, options?: { algorithm?: string; friendlyName?: string }): Asn1
    }
    const md: {
      sha256: { create(): unknown }
    }
    const pki: {
      oids: Record<string, string>
      privateKeyToAsn1(key: unknown): Asn1
      wrapRsaPrivateKey(rsaKey: Asn1): Asn1
      certificateToAsn1(cert: unknown): Asn1
      createCertificate(): Certificate
      privateKeyFromPem(pem: string): unknown
      publicKeyFromPem(pem: string): unknown
    }
    const util: {
      createBuffer(bytes: string, encoding?: string): ByteStringBuffer
    }
  }
  export default forge
}
