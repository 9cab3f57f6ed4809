// The slice of node-forge Lastmile uses: opening a PKCS#12 file (node:crypto cannot), nothing
// else. node-forge ships no types and @types/node-forge is not installed; these declarations cover
// only the calls made in main/audit/checkpoint-signer.ts.
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
    const pkcs12: {
      pkcs12FromAsn1(obj: Asn1, strict: boolean, password: string): Pkcs12Pfx
    }
    const pki: {
      oids: Record<string, string>
      privateKeyToAsn1(key: unknown): Asn1
      wrapRsaPrivateKey(rsaKey: Asn1): Asn1
      certificateToAsn1(cert: unknown): Asn1
    }
    const util: {
      createBuffer(bytes: string, encoding?: string): ByteStringBuffer
    }
  }
  export default forge
}
