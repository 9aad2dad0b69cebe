import Foundation
import NIOCore
import NIOPosix

extension TestPeer {
    /// Opens a plain TCP connection to `port`, sends nothing at all (not even a ClientHello),
    /// and returns how long the daemon kept it open, or nil if it was still open after `limit`
    /// seconds (the connection is then closed by us).
    static func silentConnection(port: UInt16, limit: TimeInterval) throws -> TimeInterval? {
        let channel = try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: Int(port)).wait()
        let start = Date()
        let deadline = start.addingTimeInterval(limit)
        while channel.isActive {
            if Date() > deadline {
                try? channel.close().wait()
                return nil
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return Date().timeIntervalSince(start)
    }
}
