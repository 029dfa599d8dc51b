package jobs

// WaitForBudget is waitForBudget, for the tests.
var WaitForBudget = waitForBudget
