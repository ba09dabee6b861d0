import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import XCTest

/// Queue name → keys (spec §1.2, §1.5): the prefix is never part of them; Laravel 13.5+ on a cluster wraps a
/// name without a hash tag.
final class RedisQueueKeysTests: XCTestCase {
    func testKeysOfAQueue() {
        let k = QueueKeys(queue: "emails")
        XCTAssertEqual([k.name, k.ready, k.delayed, k.reserved, k.notify, k.quarantine],
                       ["emails", "queues:emails", "queues:emails:delayed", "queues:emails:reserved", "queues:emails:notify",
                        "queues:emails:shuttle-quarantine"])
    }

    func testClusterHashTagOnlyForNamesWithoutOne() {
        XCTAssertEqual(QueueKeys(queue: "emails", clusterHashTag: true).reserved, "queues:{emails}:reserved")
        XCTAssertEqual(QueueKeys(queue: "emails", clusterHashTag: true).name, "emails", "the plain name stays")
        XCTAssertEqual(QueueKeys(queue: "{emails}", clusterHashTag: true).ready, "queues:{emails}")
        XCTAssertEqual(QueueKeys(queue: "a{b}c", clusterHashTag: true).ready, "queues:a{b}c")
        XCTAssertEqual(QueueKeys(queue: "a{}b", clusterHashTag: true).ready, "queues:{a{}b}", "an empty tag is no tag")
        XCTAssertEqual(QueueKeys(queue: "a}b{", clusterHashTag: true).ready, "queues:{a}b{}")
        XCTAssertEqual(QueueKeys(queue: "{default}").ready, "queues:{default}", "before 13.5: verbatim")
    }
}
