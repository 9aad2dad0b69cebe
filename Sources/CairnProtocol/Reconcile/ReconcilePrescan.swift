/// Counts the ranges of a message on its raw bytes, before the protobuf parser allocates one
/// value per range: a 2 MiB message of empty ranges would otherwise become a million parsed
/// structs. Reuses the sync frames' wire walker.
enum ReconcilePrescan {
    static func check(_ bytes: [UInt8], limits: ReconcileLimits) throws(ReconcileError) {
        var reader = WireReader(bytes: bytes, position: 0, end: bytes.count)
        var ranges = 0
        do {
            while let (field, type) = try reader.nextTag() {
                guard type == 2 else {
                    try reader.skip(type: type)
                    continue
                }
                _ = try reader.lengthDelimited()
                // Field 6 of `ReconcileMessage`: `ranges`.
                if field == 6 {
                    ranges += 1
                    guard ranges <= limits.maxRangesPerMessage else {
                        throw ReconcileError.tooMany(what: "ranges", count: ranges, limit: limits.maxRangesPerMessage)
                    }
                }
            }
        } catch let error as ReconcileError {
            throw error
        } catch SyncError.malformed(let detail) {
            throw .malformed(detail)
        } catch {
            throw .malformed("\(error)")
        }
    }
}
