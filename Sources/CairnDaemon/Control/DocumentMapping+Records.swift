import CairnControl
import CairnModel
import CairnStore

/// The record routes' documents, from the records service's domain values.
extension DocumentMapping {
    /// The mapping of a site now: authors are named by the certificates it knows.
    init(site: Site) {
        self.init(identity: site.identity, devices: site.trust.knownDevices())
    }

    /// What a `PUT` asks: `null` removes a field.
    static func edit(_ request: PutRecordRequest) -> RecordEdit {
        RecordEdit(
            id: request.id, type: request.type, classification: request.classification,
            fields: (request.fields ?? [:]).mapValues { $0 == .null ? nil : field($0) },
            tags: request.tags ?? [], removeTags: request.removeTags ?? [])
    }

    func document(_ held: HeldRecord) -> RecordDocument {
        var document = document(held.state)
        document.alsoHeldAt = held.alsoHeldAt.isEmpty ? nil : held.alsoHeldAt
        return document
    }

    func entry(_ step: RecordHistoryStep) -> HistoryEntry {
        HistoryEntry(
            delta: Hex.encode(step.deltaID), author: .init(by: displayName(step.author), device: step.author.hex),
            level: step.level, sequence: step.sequence, at: Self.time(step.hlc), hlc: step.hlc.description,
            operations: step.operations.map(operation))
    }

    static func document(_ retraction: Retraction) -> RetractDocument {
        RetractDocument(
            id: retraction.id.rawValue, classification: retraction.level, delta: Hex.encode(retraction.tombstone),
            redacted: retraction.redacted)
    }
}
