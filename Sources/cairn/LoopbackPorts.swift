#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Free TCP ports on 127.0.0.1, found by binding port 0 and asking which port the kernel chose.
///
/// All sockets stay bound until every port is chosen, so the ports are distinct. Another
/// program could still take one before the daemon binds it; for a lab that risk is accepted.
enum LoopbackPorts {
    static func free(count: Int) throws -> [UInt16] {
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var ports: [UInt16] = []
        for _ in 0..<count {
            #if canImport(Darwin)
                let fd = socket(AF_INET, SOCK_STREAM, 0)
            #else
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #endif
            guard fd >= 0 else { throw failure("create a socket") }
            descriptors.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw failure("bind 127.0.0.1:0") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw failure("read the bound port") }
            ports.append(UInt16(bigEndian: address.sin_port))
        }
        return ports
    }

    private static func failure(_ what: String) -> CLIError {
        CLIError.failure("cannot \(what) to find a free loopback port: \(String(cString: strerror(errno)))")
    }
}
