import CairnCrypto

extension SignedObject {
    /// Why copies of one object cannot be merged.
    public enum MergeProblem: Error, Equatable, CustomStringConvertible {
        /// The copies are of different bodies (or kinds): they are not the same object.
        case differentBodies(index: Int)
        /// One signer name carries two different keys across the copies.
        case conflictingSigner(signer: String)
        /// A signature does not verify against the key it carries (damaged or forged).
        case badSignature(signer: String)

        public var description: String {
            switch self {
            case .differentBodies(let index):
                return "copy \(index + 1) is not the same object (its bytes differ from the first's): merge only copies of one draft"
            case .conflictingSigner(let signer):
                return "\(signer) signed two copies with different keys; ask that agency which one is its root key"
            case .badSignature(let signer):
                return "the signature by \(signer) does not verify against the key it carries: the copy is damaged or forged"
            }
        }
    }

    /// The union of the signatures on copies of one object, each signed apart (agencies that
    /// sign a charter in parallel): same kind, same body bytes; a signature already present is
    /// kept once. Every signature must verify against the key it carries; whether the signers
    /// count (members, root keys) is decided when the object is verified, as always.
    public static func merging(_ copies: [SignedObject]) throws(MergeProblem) -> SignedObject {
        guard let first = copies.first else { throw .differentBodies(index: 0) }
        var signatures: [Signature] = []
        for (index, copy) in copies.enumerated() {
            guard copy.kind == first.kind, copy.body == first.body else { throw .differentBodies(index: index) }
            for signature in copy.signatures {
                if let known = signatures.first(where: { $0.signer == signature.signer }) {
                    guard known.publicKey == signature.publicKey else { throw .conflictingSigner(signer: Display.clean(signature.signer)) }
                    continue
                }
                // A carried key that is not an Ed25519 key fails the merge like a bad signature
                // (nothing is written); no store or fallback is involved.
                guard let key = try? Ed25519.PublicKey(bytes: signature.publicKey),
                    key.isValidSignature(signature.signature, for: first.kind.signingMessage(body: first.body))
                else { throw .badSignature(signer: Display.clean(signature.signer)) }
                signatures.append(signature)
            }
        }
        return SignedObject(kind: first.kind, body: first.body, signatures: signatures)
    }
}
