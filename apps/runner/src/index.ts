// The public API of @retain/runner (the retain CLI) is exported here as it lands.
export {};
