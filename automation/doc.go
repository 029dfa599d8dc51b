// Package automation holds the rules for automations (recurring requests
// with learning phrases and a ready answer), training and using the intent
// matcher on them, the instructions that guide the agent, and a workspace's
// tag configuration (excluded, system and smart tags).
package automation
