import Foundation
import Synchronization

/// A Unix clock the test moves by hand, so delays and reservation expiry need no waiting.
final class TestClock: Sendable {
    private let value: Mutex<Int>
    init(_ start: Int = Int(Date().timeIntervalSince1970)) { value = Mutex(start) }
    var now: Int { value.withLock { $0 } }
    func advance(_ seconds: Int) { value.withLock { $0 += seconds } }
}
