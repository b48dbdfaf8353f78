// The public API of @retain/strategies: its modules are exported here as they land.
export {};
