import COpenSSL
import PHPFormats

/// The ciphers Laravel's `Encrypter` accepts (`config('app.cipher')`); raw values are Laravel's spelling.
public enum Cipher: String, Sendable, CaseIterable {
    case aes128CBC = "AES-128-CBC"
    case aes256CBC = "AES-256-CBC"
    case aes128GCM = "AES-128-GCM"
    case aes256GCM = "AES-256-GCM"

    /// Parses a cipher name case-insensitively, as Laravel lower-cases `app.cipher` before looking it up.
    public init(name: String) throws(EncryptionError) {
        guard let cipher = Cipher.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw .unsupportedCipher(name)
        }
        self = cipher
    }

    /// Key length in bytes: Laravel requires the key to be exactly this long.
    public var keyLength: Int {
        switch self {
        case .aes128CBC, .aes128GCM: 16
        case .aes256CBC, .aes256GCM: 32
        }
    }

    /// IV length in bytes (OpenSSL's default for the cipher, which is what `openssl_cipher_iv_length` reports).
    public var ivLength: Int { isAEAD ? 12 : 16 }

    /// GCM authenticates with its tag; CBC needs the separate HMAC (`mac`).
    public var isAEAD: Bool {
        switch self {
        case .aes128CBC, .aes256CBC: false
        case .aes128GCM, .aes256GCM: true
        }
    }

    /// Length of the GCM authentication tag PHP's `openssl_encrypt` produces by default.
    static let tagLength = 16

    /// AES block size: CBC ciphertexts are whole blocks.
    static let blockSize = 16

    var evpCipher: OpaquePointer {
        switch self {
        case .aes128CBC: EVP_aes_128_cbc()
        case .aes256CBC: EVP_aes_256_cbc()
        case .aes128GCM: EVP_aes_128_gcm()
        case .aes256GCM: EVP_aes_256_gcm()
        }
    }
}
