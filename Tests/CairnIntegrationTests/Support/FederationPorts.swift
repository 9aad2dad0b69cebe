import Foundation

/// Free TCP ports on 127.0.0.1 for daemons' sync listeners, found as `cairn lab` finds them
/// (`Sources/cairn/LoopbackPorts.swift`): bind port 0, ask the kernel which port it chose.
///
/// Every socket stays bound until all ports are chosen, so the ports are distinct. Another
/// process could take one before the daemon binds it; a daemon that cannot bind fails to start
/// with the reason in its log, which the test then shows.
enum FederationPorts {
    static func free(count: Int) throws -> [UInt16] {
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var ports: [UInt16] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TestFailure("cannot create a socket: \(String(cString: strerror(errno)))") }
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
            guard bound == 0 else { throw TestFailure("cannot bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else {
                throw TestFailure("cannot read the bound port: \(String(cString: strerror(errno)))")
            }
            ports.append(UInt16(bigEndian: address.sin_port))
        }
        return ports
    }
}
