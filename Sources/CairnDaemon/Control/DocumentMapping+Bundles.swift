import CairnControl
import CairnModel

/// The bundle routes' documents, from the bundle service.
extension DocumentMapping {
    static func document(_ exported: BundleExported) -> BundleExportDocument {
        BundleExportDocument(
            bundle: Hex.encode(exported.bundleID), recipient: "\(exported.recipient.ref)", clearance: exported.recipient.clearance,
            vector: exported.vectorSource, vectorAt: exported.vectorAt.map { time(seconds: $0) }, levels: exported.levels,
            deltas: exported.deltas, certificates: exported.certificates, revocations: exported.revocations, bytes: exported.bytes,
            complete: exported.complete)
    }

    static func document(_ imported: BundleImported) -> BundleImportDocument {
        var document = BundleImportDocument(
            bundle: imported.bundleID, sender: "\(imported.sender.ref)", createdAt: time(seconds: imported.createdAt),
            dryRun: imported.dryRun, levels: imported.levels, deltas: imported.deltas, certificates: imported.certificates,
            revocations: imported.revocations, new: imported.new, skipped: imported.skipped, skippedReasons: imported.skippedReasons)
        document.stored = imported.stored
        document.duplicate = imported.duplicate
        document.pending = imported.pending
        document.refused = imported.refused
        document.refusals = imported.refusals
        document.certificatesLearned = imported.certificatesLearned
        document.revocationsLearned = imported.revocationsLearned
        return document
    }

    static func event(_ progress: BundleProgress) -> BundleProgressEvent {
        BundleProgressEvent(event: "progress", phase: progress.phase, done: progress.done, total: progress.total)
    }
}
