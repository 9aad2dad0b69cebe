import CSodium

/// Secret bytes that are zeroed when the last reference goes away.
///
/// Secrets never live in a plain `[UInt8]` inside this module: copies of arrays cannot be found
/// and wiped later. `SecureBytes` owns one heap buffer, locks it in memory where the system
/// allows (so it is not swapped out), and wipes it with `sodium_memzero` in `deinit`.
public final class SecureBytes: @unchecked Sendable {
    // Immutable after init: safe to share across threads.
    private let pointer: UnsafeMutableRawBufferPointer

    /// The number of secret bytes.
    public let count: Int

    /// Allocates `count` zero bytes.
    public init(count: Int) {
        Sodium.ensure()
        pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0)
        _ = sodium_mlock(pointer.baseAddress!, pointer.count)
        self.count = count
    }

    /// Copies `bytes` into a new secret buffer. The caller remains responsible for its own copy.
    public convenience init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count)
        UnsafeMutableRawBufferPointer(rebasing: pointer[0..<bytes.count]).copyBytes(from: bytes)
    }

    /// Fills a new secret buffer by calling `body` with its storage.
    public convenience init(count: Int, initializer body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        self.init(count: count)
        try body(UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]))
    }

    deinit {
        sodium_munlock(pointer.baseAddress!, pointer.count)  // also zeroes
        sodium_memzero(pointer.baseAddress, pointer.count)
        pointer.deallocate()
    }

    /// Reads the secret without copying it out.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
    }

    /// Copies the secret into an ordinary array. Use only to hand it to a format that must hold
    /// it (a sealed file, a sealed box), and let the copy die quickly.
    public func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison of two secrets.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
    }
}
