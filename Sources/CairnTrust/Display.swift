/// Makes strings taken from untrusted files safe to put in error messages and logs.
enum Display {
    /// `text` cut to `limit` characters, with control characters replaced by `?`, so that a
    /// crafted name cannot forge log lines or terminal escapes.
    static func clean(_ text: String, limit: Int = 64) -> String {
        var out = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == limit {
                out += "…"
                break
            }
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            out.unicodeScalars.append(isControl ? "?" : scalar)
        }
        return out
    }
}
