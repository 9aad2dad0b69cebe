import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust
import Dispatch
import Foundation

/// Serializes the writes of received vectors, off the event loops.
private let vectorQueue = DispatchQueue(label: "cairn.bundle.vectors", qos: .utility)

extension BundleService {
    /// Remembers the vector a peer device sent in a round: what it held then, at the levels of
    /// the link. A later bundle for it carries what lies beyond. Called on an event loop, so the
    /// encoding and the write run on a queue of their own; a failure only means an older vector
    /// (or none) is used, which costs duplicates in a bundle, never a missing delta.
    func rememberVector(_ positions: [StreamPosition], of peer: DeviceID) {
        let database = self.database
        let logger = self.logger
        vectorQueue.async {
            do {
                try database.savePeerVector(
                    device: peer.bytes, vector: StoredVector.encode(positions), receivedAt: Int64(Date().timeIntervalSince1970))
            } catch {
                logger.warning("bundle.vector_not_saved", metadata: .error(error))
            }
        }
    }

    /// The last vector kept for `device`, with when it was received.
    func storedVector(of device: DeviceID) throws -> (positions: [StreamPosition], at: Int64)? {
        guard let (bytes, at) = try storeAccess({ try database.peerVector(device: device.bytes) }) else { return nil }
        do {
            return (try StoredVector.decode(bytes), at)
        } catch {
            logger.warning("bundle.stored_vector_unreadable", metadata: .error(error))
            return nil
        }
    }

    /// This site's signed vector file: every stream it holds at every level, for a sender that
    /// never connects to it (`cairn bundle vector`).
    func vectorFile(actor: String) throws -> [UInt8] {
        let positions = ledger.read { state in
            state.streams.map { StreamPosition(stream: $0.key, head: $0.value) }
        }
        let file = BundleVectorFile.make(
            federationID: trust.charter().federationID, certificate: identity.certificate.signed.serialized(),
            createdAt: Int64(Date().timeIntervalSince1970), positions: positions, signer: identity.keys.signing)
        try audit("bundle.vector_exported", actor: actor, detail: ["streams": "\(positions.count)"])
        return file
    }

    /// Verifies a vector file against the charter: its federation, its device's certificate,
    /// and the signature. Learns the certificate when it is new (which grants the device the
    /// keys it is cleared for, so the grants travel in the bundle), and keeps the positions as
    /// the device's last known vector when they are newer than the one held.
    func acceptVectorFile(_ bytes: [UInt8]) throws -> (certificate: DeviceCertificate, file: BundleVectorFile) {
        let file: BundleVectorFile
        do {
            file = try BundleVectorFile.parse(bytes)
        } catch let error as BundleError {
            throw SiteError.refused(.bundleInvalid, "the vector file is not valid: \(error)")
        }
        let charter = trust.charter()
        guard ConstantTime.equals(file.federationID, charter.federationID) else { throw BundleRefusal.foreign("vector file") }
        let certificate: DeviceCertificate
        do {
            certificate = try DeviceCertificate.verifyIgnoringTime(
                try SignedObject.parse(bytes: file.certificate, kind: .certificate), charter: charter)
            try file.verifySignature(with: certificate.signingKey)
        } catch {
            throw SiteError.refused(.bundleInvalid, "the vector file does not verify: \(error)")
        }
        guard certificate.deviceID != identity.deviceID else {
            throw SiteError.refused(.badRequest, "the vector file is this device's own")
        }
        guard !trust.isWithdrawn(certificate) else {
            throw SiteError.refused(.badRequest, "\(certificate.ref) is revoked or withdrawn; nothing is exported for it")
        }
        try keys.learn([certificate], from: "vector-file:\(certificate.ref)")
        let held = try storedVector(of: certificate.deviceID)
        if held == nil || held!.at < file.createdAt {
            try storeAccess {
                try database.savePeerVector(
                    device: certificate.deviceID.bytes, vector: StoredVector.encode(file.positions), receivedAt: file.createdAt)
            }
        }
        return (certificate, file)
    }
}
