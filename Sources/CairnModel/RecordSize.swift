/// Upper bounds on the encoded size of a record's content, for `ModelLimits.maxRecordBytes`.
enum RecordSize {
    /// The bound for a whole record: its type, its fields and
    /// its tags, each with its separators.
    static func estimate(type: String?, fields: [String: FieldValue], tags: some Sequence<String>) -> Int {
        var size = 2 + (type.map(FieldValue.encodedSizeEstimate(of:)) ?? 0)
        for (name, value) in fields {
            size += field(name: name, value: value)
        }
        for tag in tags {
            size += FieldValue.encodedSizeEstimate(of: tag) + 1
        }
        return size
    }

    /// The bound for one field: its name, a colon, its value and a comma.
    static func field(name: String, value: FieldValue?) -> Int {
        FieldValue.encodedSizeEstimate(of: name) + 2 + (value ?? .null).encodedSizeEstimate
    }
}
