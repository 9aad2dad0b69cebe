import CairnWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SignedObject {
    /// The largest serialized object accepted, checked before decoding.
    public static let maxSerializedBytes = 1 << 20

    /// The protobuf encoding of the `Signed` envelope (the body inside stays verbatim).
    public func serialized() -> [UInt8] {
        var message = Cairn_V1_Signed()
        message.kind = kind.rawValue
        message.body = Data(body)
        message.signatures = signatures.map { signature in
            var wire = Cairn_V1_Signature()
            wire.signer = signature.signer
            wire.publicKey = Data(signature.publicKey)
            wire.signature = Data(signature.signature)
            return wire
        }
        // A proto3 message has no required fields, so encoding cannot fail.
        return try! message.serializedBytes()
    }

    /// The armored text of `serialized()`, labelled with this object's kind.
    public func armored() -> String {
        Armor.encode(kind: kind.armorKind, bytes: serialized())
    }

    /// Decodes a serialized envelope, which must be of `kind`. Decoding checks only the shape;
    /// the signatures are checked by the verifier of each kind.
    public static func parse(bytes: [UInt8], kind: ObjectKind) throws -> SignedObject {
        guard bytes.count <= maxSerializedBytes else {
            throw TrustError.tooLarge(what: "signed object", size: bytes.count, limit: maxSerializedBytes)
        }
        let message: Cairn_V1_Signed
        do {
            message = try Cairn_V1_Signed(serializedBytes: bytes)
        } catch {
            throw TrustError.malformedObject(what: "signed object", reason: "\(error)")
        }
        guard message.kind == kind.rawValue else {
            throw TrustError.wrongKind(expected: kind.rawValue, found: Display.clean(message.kind))
        }
        let signatures = message.signatures.map { wire in
            Signature(signer: wire.signer, publicKey: Array(wire.publicKey), signature: Array(wire.signature))
        }
        return SignedObject(kind: kind, body: Array(message.body), signatures: signatures)
    }

    /// Decodes armored text, whose label and inner kind must both be `kind`.
    public static func parse(armored text: String, kind: ObjectKind) throws -> SignedObject {
        try parse(bytes: Armor.decode(text, expecting: kind.armorKind), kind: kind)
    }

    /// Reads an armored object file of `kind`.
    public static func read(from path: String, kind: ObjectKind) throws -> SignedObject {
        let bytes = try FileIO.read(path, requirePrivate: false)
        return try parse(armored: String(decoding: bytes, as: UTF8.self), kind: kind)
    }

    /// Writes the armored object to `path` with mode 0644 (trust objects are public). Without
    /// `replacing`, refuses an existing file; with it, replaces the file atomically (as when a
    /// co-signer adds a signature to a charter file).
    public func write(to path: String, replacing: Bool = false) throws {
        let contents = Array(armored().utf8)
        if replacing {
            try FileIO.replace(path, contents: contents, mode: 0o644)
        } else {
            try FileIO.createExclusive(path, contents: contents, mode: 0o644)
        }
    }
}
