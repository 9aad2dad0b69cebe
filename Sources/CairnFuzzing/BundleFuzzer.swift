import CairnProtocol
import CairnTrust

/// A file handed to `cairn bundle import` (or to the daemon's import route), or a vector file
/// handed to `cairn bundle export --for`: input starting with the vector magic is read as a
/// vector file, anything else as a bundle. A bundle is parsed, its sender certificate verified
/// against the test charter, its signature checked, and its chunks opened with the recipient's
/// (bravo/hq's) wrapping key and decoded.
enum BundleFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        data.starts(with: BundleVectorFile.magic) ? vectorFile(data) : bundle(data)
    }

    private static func bundle(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        let file: BundleFile
        do {
            file = try BundleFile.parse(data)
        } catch {
            outcome.reject(error)
            return outcome
        }
        var complete = true
        do {
            let sender = try DeviceCertificate.verify(
                SignedObject.parse(bytes: file.header.senderCertificate, kind: .certificate),
                charter: fixtures.charter, now: fixtures.now)
            try file.verifySignature(with: sender.publicKeys.signing)
        } catch {
            complete = false
            outcome.reject(error)
        }
        do {
            var items = 0
            try file.forEachChunk(with: fixtures.recipient.wrapping) { contents in
                items += contents.deltas.count + contents.certificates.count + contents.revocations.count
            }
        } catch {
            complete = false
            outcome.reject(error)
        }
        if complete { outcome.accept() }
        return outcome
    }

    private static func vectorFile(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        do {
            let file = try BundleVectorFile.parse(data)
            let device = try DeviceCertificate.verify(
                SignedObject.parse(bytes: file.certificate, kind: .certificate), charter: fixtures.charter, now: fixtures.now)
            try file.verifySignature(with: device.publicKeys.signing)
            outcome.accept()
        } catch {
            outcome.reject(error)
        }
        return outcome
    }
}
