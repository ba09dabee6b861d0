import Spark

/// Monzo's fetch jobs by instance type (spec §6.2 step 4; an empty type counts as `transactions`): what
/// `CheckIntegrationUpdates` pushes for a due Monzo instance. They run wherever a worker has a handler for them.
public enum MonzoFetchJobs {
    public static let accountPull = "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull"
    public static let transactionPull = "App\\Jobs\\OAuth\\Monzo\\MonzoTransactionPull"
    public static let potPull = "App\\Jobs\\OAuth\\Monzo\\MonzoPotPull"
    public static let balancePull = "App\\Jobs\\OAuth\\Monzo\\MonzoBalancePull"

    public static let routes = FetchJobRoutes(
        service: "monzo", authentication: .oauth, defaultInstanceType: "transactions",
        jobs: ["accounts": accountPull, "transactions": transactionPull, "pots": potPull, "balances": balancePull])
}
