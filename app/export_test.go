package app

// HashPasswordForTest is hashPassword, for the tests of package app_test.
var HashPasswordForTest = hashPassword
