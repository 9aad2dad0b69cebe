import CairnCrypto
import Foundation

// cairn-limits: the machine's limits that bound Cairn's speed, measured on one core in the same
// run as the benchmark that is compared with them.
//
//   cairn-limits [--seconds 2]
//
// Prints `ed25519_verify_per_s=N` (libsodium, 1 KiB messages, what receiving a delta costs).

var seconds = 2.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    guard flag == "--seconds", let value = arguments.next().flatMap(Double.init), value > 0 else {
        FileHandle.standardError.write(Data("usage: cairn-limits [--seconds N]\n".utf8))
        exit(2)
    }
    seconds = value
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
