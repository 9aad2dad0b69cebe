/// `[control]` budgets: timeouts and connection caps of the control socket.
extension ConfigReader {
    mutating func controlLimits() -> ControlLimits {
        var limits = ControlLimits()
        limits.headerTimeoutSeconds = seconds("control.header_timeout_seconds", default: limits.headerTimeoutSeconds, range: 1...300)
        limits.bodyTimeoutSeconds = seconds("control.body_timeout_seconds", default: limits.bodyTimeoutSeconds, range: 1...3_600)
        limits.idleTimeoutSeconds = seconds("control.idle_timeout_seconds", default: limits.idleTimeoutSeconds, range: 1...3_600)
        limits.bodyMinBytesPerSecond = number(
            "control.body_min_bytes_per_second", default: limits.bodyMinBytesPerSecond, range: 1_024...1_073_741_824, unit: "bytes per second")
        limits.maxConnections = number("control.max_connections", default: limits.maxConnections, range: 1...1_000_000, unit: "connections")
        limits.maxConnectionsPerUID = number(
            "control.max_connections_per_uid", default: limits.maxConnectionsPerUID, range: 1...1_000_000, unit: "connections")
        limits.adminReserve = number("control.admin_reserve", default: limits.adminReserve, range: 1...1_024, unit: "connections")
        if limits.maxConnectionsPerUID > limits.maxConnections {
            report(
                "control.max_connections_per_uid",
                "max_connections_per_uid (\(limits.maxConnectionsPerUID)) must not exceed max_connections (\(limits.maxConnections))")
        }
        return limits
    }

    private mutating func number(_ key: String, default value: Int, range: ClosedRange<Int>, unit: String) -> Int {
        guard let entry = entry(key) else { return value }
        guard case .integer(let number) = entry.value, range.contains(Int(clamping: number)) else {
            report(key, "expected a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return Int(number)
    }
}
