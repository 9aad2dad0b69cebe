extension PutRecordRequest {
    /// This request with command-line changes laid over it, as `cairn record put --from` does.
    ///
    /// Given scalars replace the base's; field assignments and removals are merged into the
    /// base's fields (a removal is a `null`); tags and untags are added to the base's lists, and
    /// each one taken out of the opposite list.
    /// Contradictory flags (one field set twice or set and removed, one tag added and removed)
    /// are refused rather than resolved by order, since either reading could be the intended one.
    public func overlaid(
        id: String? = nil, type: String? = nil, classification: String? = nil, set: [FieldAssignment] = [],
        remove: [String] = [], addTags: [String] = [], removeTags untags: [String] = []
    ) throws(ControlClientError) -> PutRecordRequest {
        var result = self
        if let id { result.id = id }
        if let type { result.type = type }
        if let classification { result.classification = classification }

        var seen: Set<String> = []
        for name in set.map(\.name) + remove where !seen.insert(name).inserted {
            let removed = remove.contains(name)
            throw .invalidRequest(
                removed && set.contains(where: { $0.name == name })
                    ? "field \"\(name)\" is both set and removed"
                    : "field \"\(name)\" is given more than once")
        }
        if !set.isEmpty || !remove.isEmpty {
            var fields = result.fields ?? [:]
            for assignment in set { fields[assignment.name] = assignment.value }
            for name in remove { fields[name] = .null }
            result.fields = fields
        }

        if let tag = addTags.first(where: { untags.contains($0) }) {
            throw .invalidRequest("tag \"\(tag)\" is both added and removed")
        }
        // A flag wins over the base: untagging drops the tag from the base's additions (a fetched
        // document lists every current tag), and tagging drops it from the base's removals.
        if !addTags.isEmpty {
            result.tags = Self.appendingNew(addTags, to: result.tags ?? [])
            result.removeTags = result.removeTags?.filter { !addTags.contains($0) }
        }
        if !untags.isEmpty {
            result.removeTags = Self.appendingNew(untags, to: result.removeTags ?? [])
            result.tags = result.tags?.filter { !untags.contains($0) }
        }
        return result
    }

    private static func appendingNew(_ items: [String], to list: [String]) -> [String] {
        var result = list
        for item in items where !result.contains(item) { result.append(item) }
        return result
    }
}
