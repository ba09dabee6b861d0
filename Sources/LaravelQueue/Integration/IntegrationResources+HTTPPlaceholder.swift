// PLACEHOLDER until w-http lands `resources.http()`; deleted at the merge.
import HTTP
import Synchronization

private let sharedClient = Mutex<HTTPClient?>(nil)

extension IntegrationResources {
    /// The shared HTTP client (CA file from SHUTTLE_HTTP_CA_FILE or SSL_CERT_FILE).
    public func http() -> HTTPClient {
        sharedClient.withLock { client in
            if let client { return client }
            let made = HTTPClient(configuration: .fromEnvironment(environment.variables))
            client = made
            return made
        }
    }
}
