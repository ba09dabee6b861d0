/// One transfer's response as libcurl's callbacks hand it over, with the size cap applied as it arrives.
/// Used only from the transfer's thread, during `curl_easy_perform`.
final class ResponseCollector {
    let limit: Int
    let cancellation: CancellationFlag
    private let isHead: Bool
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    /// Set when the body (or its announced `Content-Length`) is over `limit`; the transfer was aborted.
    private(set) var tooLarge = false
    private var status = 0

    init(limit: Int, isHead: Bool, cancellation: CancellationFlag) {
        self.limit = limit
        self.isHead = isHead
        self.cancellation = cancellation
    }

    /// CURLOPT_WRITEFUNCTION: returning less than `length` makes libcurl abort with CURLE_WRITE_ERROR.
    func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard length > 0, let data else { return 0 }
        guard length <= limit - body.count else {
            tooLarge = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    /// CURLOPT_HEADERFUNCTION: one whole line at a time, status line and final empty line included. Each
    /// response (a `100 Continue` before the real one) starts afresh at its status line.
    func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data else { return length }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        let trimmed = line.trimmingLineEnd
        if trimmed.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            status = Int(trimmed.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
            return length
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return length }
        let name = String(trimmed[..<colon])
        let value = String(trimmed[trimmed.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        headers.add(name: name, value: value)
        // An announced body over the cap fails before any of it is read.
        if HTTPHeaders.same(name, "Content-Length"), let announced = Int(value), hasBody {
            guard announced <= limit else {
                tooLarge = true
                return 0
            }
            body.reserveCapacity(announced)
        }
        return length
    }

    /// HEAD, 204 and 304 responses announce a length but carry no body.
    private var hasBody: Bool { !isHead && status != 204 && status != 304 }
}

extension String {
    /// Without the trailing CR, LF and spaces of a header line.
    fileprivate var trimmingLineEnd: Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == "\r\n" || last == "\n" || last == "\r" || last == " " || last == "\t" {
            end = index(before: end)
        }
        return self[..<end]
    }
}
