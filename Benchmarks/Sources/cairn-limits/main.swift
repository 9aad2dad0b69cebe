import CairnCrypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// cairn-limits: the machine's limits that bound Cairn's speed, measured on one core in the same
// run as the benchmark that is compared with them.
//
//   cairn-limits [--seconds 2]               Ed25519 verifications per second
//   cairn-limits --fsync DIR [--seconds 2]   durable appends per second in DIR
//
// Prints `ed25519_verify_per_s=N` (libsodium, 1 KiB messages, what receiving a delta costs), or
// `fdatasync_per_s=N fdatasync_p50_ms=X fdatasync_p99_ms=Y`: 4 KiB appended then fdatasync'd,
// one after another, in a file of DIR (give the directory of the store being measured). That is
// the most commit groups per second a store there can make durable: one write is one group when
// it is alone, so it bounds a single writer's rate, and group commit is what lifts many writers
// above it.

var seconds = 2.0
var fsyncDirectory: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    switch (flag, arguments.next()) {
    case ("--seconds", let value?) where Double(value).map({ $0 > 0 }) == true: seconds = Double(value)!
    case ("--fsync", let value?): fsyncDirectory = value
    default:
        FileHandle.standardError.write(Data("usage: cairn-limits [--fsync DIR] [--seconds N]\n".utf8))
        exit(2)
    }
}

if let directory = fsyncDirectory {
    let path = directory + "/cairn-limits-fsync.\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        print("cannot create \(path): \(String(cString: strerror(errno)))")
        exit(1)
    }
    defer {
        close(fd)
        unlink(path)
    }
    let block = [UInt8](repeating: 1, count: 4096)
    var latencies: [Double] = []
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
        let t0 = Date()
        let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress!, 4096, off_t(latencies.count) * 4096) }
        guard written == 4096, fdatasync(fd) == 0 else {
            print("writing \(path) failed: \(String(cString: strerror(errno)))")
            exit(1)
        }
        latencies.append(Date().timeIntervalSince(t0))
    }
    let elapsed = Date().timeIntervalSince(start)
    latencies.sort()
    print(String(format: "fdatasync_per_s=%.0f fdatasync_p50_ms=%.3f fdatasync_p99_ms=%.3f",
                 Double(latencies.count) / elapsed, latencies[latencies.count / 2] * 1000,
                 latencies[min(latencies.count - 1, latencies.count * 99 / 100)] * 1000))
    exit(0)
}

let key = Ed25519.PrivateKey()
let messages = (0..<64).map { n in (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }
let signatures = messages.map { key.signature(for: $0) }
let publicKey = key.publicKey
var verified = 0
var failures = 0
let start = Date()
while Date().timeIntervalSince(start) < seconds {
    for (message, signature) in zip(messages, signatures) {
        if publicKey.isValidSignature(signature, for: message) { verified += 1 } else { failures += 1 }
    }
}
let elapsed = Date().timeIntervalSince(start)
guard failures == 0 else {
    print("ed25519 verification failed \(failures) times")
    exit(1)
}
print(String(format: "ed25519_verify_per_s=%.0f", Double(verified) / elapsed))
