/// One target's job handlers, plugged into Shuttle (Spark's app data, Monzo, Apple Health…): what a Laravel
/// service provider is to the app.
///
/// At start `register` binds handlers to PHP job classes and takes what they need from `resources`; at exit,
/// once the worker has finished the jobs in flight, `shutdown` lets go of what the integration made itself.
/// Integrations register in the order `shuttle` lists them and shut down in reverse; Shuttle closes the
/// resources it lent (database pools, the app's connections) after the last one.
public protocol Integration: Sendable {
    /// Names the integration in logs and in start-up errors (a job class registered twice names both).
    var name: String { get }
    /// Registers the integration's handlers. Throwing stops Shuttle at start, the error on one line.
    func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws
    /// Releases what the integration opened itself; resources from `IntegrationResources` are Shuttle's to close.
    func shutdown() async
}

extension Integration {
    /// Most integrations hold nothing of their own beyond what `IntegrationResources` lends.
    public func shutdown() async {}
}
