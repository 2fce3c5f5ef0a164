import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personnummer at rest: AES-256-GCM ciphertext (12-byte IV ‖ 16-byte tag ‖ ciphertext) and a keyed
 * HMAC-SHA-256 blind index for exact-match look-up. The municipality id is bound in as associated
 * data and HMAC input, so a value copied to another tenant's row neither decrypts nor matches.
 */
export class IdentityCrypto {
  constructor(
    private readonly encryptionKey: Buffer,
    private readonly indexKey: string,
  ) {
    if (encryptionKey.length !== 32) throw new Error('PII encryption key must be 32 bytes');
  }

  encrypt(municipalityId: string, normalized: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(municipalityId));
    const body = Buffer.concat([cipher.update(normalized, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decrypt(municipalityId: string, blob: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, blob.subarray(0, 12));
    decipher.setAAD(Buffer.from(municipalityId));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
  }

  blindIndex(municipalityId: string, normalized: string): string {
    return createHmac('sha256', this.indexKey).update(`${municipalityId}:${normalized}`).digest('base64url');
  }
}
