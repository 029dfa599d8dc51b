package server

import "github.com/gofiber/fiber/v2"

// routes registers every route of the app, in one place. Path parameters
// are named after what they identify (workspace_id, base_id, ...), the same
// in every route; the middleware chain is requestIDs, trusted proxies, the
// access log, plainBodies, recover (server.go), then per group below.
func (s *Server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	app.Use(securityHeaders)

	api := app.Group("/api", s.authenticate)
	api.Get("/setup", s.getSetup)
	api.Post("/setup", s.postSetup)
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", s.logout)
	api.Post("/auth/logout-all", s.logoutAll)
	api.Get("/auth/me", s.me)
	api.Put("/auth/password", s.changePassword)
	api.Get("/invitations/:token", s.getInvitation)
	api.Post("/invitations/:token/accept", s.acceptInvitation)

	api.Get("/workspaces", requireAuth, s.listWorkspaces)
	api.Post("/workspaces", requireAuth, s.createWorkspace)
	ws := api.Group("/workspaces/:workspace_id", requireAuth, s.workspaceAccess)
	ws.Get("", s.getWorkspace)
	ws.Patch("", s.patchWorkspace)
	ws.Delete("", s.deleteWorkspace)
	ws.Get("/gorgias", s.getGorgias)
	ws.Put("/gorgias", s.putGorgias)
	ws.Get("/model-settings", s.getModelSettings)
	ws.Put("/model-settings", s.putModelSettings)
	ws.Post("/model-settings/check", s.checkModelSettings)
	ws.Get("/members", s.listMembers)
	ws.Post("/members", s.addMember)
	ws.Patch("/members/:user_id", s.patchMember)
	ws.Delete("/members/:user_id", s.deleteMember)
	ws.Get("/invitations", s.listInvitations)
	ws.Post("/invitations", s.createInvitation)
	ws.Delete("/invitations/:invitation_id", s.deleteInvitation)
	ws.Get("/tokens", s.listTokens)
	ws.Post("/tokens", s.createToken)
	ws.Delete("/tokens/:token_id", s.deleteToken)
	ws.Get("/audit", s.auditLog)

	ws.Get("/automations", s.listAutomations)
	ws.Post("/automations", s.createAutomation)
	ws.Get("/automations/export", s.exportAutomations)
	ws.Post("/automations/import", s.importAutomations)
	ws.Post("/automations/train", s.trainAutomations)
	ws.Get("/automations/training", s.getTraining)
	ws.Post("/automations/test", s.testAutomations)
	ws.Get("/automations/:automation_id", s.getAutomation)
	ws.Patch("/automations/:automation_id", s.patchAutomation)
	ws.Delete("/automations/:automation_id", s.deleteAutomation)

	ws.Get("/instructions", s.listInstructions)
	ws.Post("/instructions", s.createInstruction)
	ws.Put("/instructions/order", s.orderInstructions)
	ws.Patch("/instructions/:instruction_id", s.patchInstruction)
	ws.Delete("/instructions/:instruction_id", s.deleteInstruction)
	ws.Get("/instructions/:instruction_id/revisions", s.instructionRevisions)
	ws.Get("/tickets/:ticket_id/instructions", s.listTicketInstructions)
	ws.Post("/tickets/:ticket_id/instructions", s.addTicketInstruction)

	ws.Get("/tags", s.getTags)
	ws.Put("/tags/excluded", s.putExcludedTags)
	ws.Put("/tags/system", s.putSystemTags)
	ws.Get("/tags/smart", s.listSmartTags)
	ws.Post("/tags/smart", s.createSmartTag)
	ws.Patch("/tags/smart/:smart_tag_id", s.patchSmartTag)
	ws.Delete("/tags/smart/:smart_tag_id", s.deleteSmartTag)

	ws.Get("/knowledge-bases", s.listKnowledgeBases)
	ws.Post("/knowledge-bases", s.createKnowledgeBase)
	ws.Get("/knowledge-bases/:base_id", s.getKnowledgeBase)
	ws.Patch("/knowledge-bases/:base_id", s.patchKnowledgeBase)
	ws.Delete("/knowledge-bases/:base_id", s.deleteKnowledgeBase)
	ws.Get("/knowledge-bases/:base_id/progress", s.knowledgeProgress)
	ws.Get("/knowledge-bases/:base_id/runs", s.knowledgeRuns)
	ws.Get("/knowledge-bases/:base_id/documents", s.listDocuments)
	ws.Post("/knowledge-bases/:base_id/documents", s.addDocument)
	ws.Post("/knowledge-bases/:base_id/uploads", s.uploadDocuments)
	ws.Get("/knowledge-bases/:base_id/documents/:document_id", s.getDocument)
	ws.Patch("/knowledge-bases/:base_id/documents/:document_id", s.patchDocument)
	ws.Delete("/knowledge-bases/:base_id/documents/:document_id", s.deleteDocument)
	ws.Post("/knowledge-bases/:base_id/documents/:document_id/resync", s.resyncDocument)
	ws.Post("/knowledge-bases/:base_id/documents/:document_id/retry", s.retryDocument)
	ws.Get("/knowledge-bases/:base_id/documents/:document_id/chunks", s.documentChunks)
	ws.Post("/knowledge/search", s.searchKnowledge)

	ws.Post("/playground/messages", s.playgroundMessage)
	ws.Delete("/playground/conversations/:conversation_id", s.playgroundReset)
	ws.Post("/playground/conversations/:conversation_id/return", s.returnToBot)
	ws.Get("/runs", s.listRuns)
	ws.Get("/runs/:run_id", s.getRun)
	ws.Post("/runs/:run_id/replay", s.replayRun)
	ws.Get("/agent-settings", s.getAgentSettings)
	ws.Put("/agent-settings", s.putAgentSettings)
	ws.Post("/model-settings/check-chat", s.checkChatSettings)
	ws.Post("/copilot/draft", s.copilotDraft)
	ws.Post("/copilot/summarize", s.copilotSummarize)
	ws.Post("/copilot/translate", s.copilotTranslate)

	api.All("/*", func(c *fiber.Ctx) error {
		return &APIError{Status: fiber.StatusNotFound, Code: "not_found", Message: "no API endpoint " + c.Method() + " " + c.Path()}
	})

	web := &spa{files: s.deps.Web, built: s.deps.WebBuilt && s.deps.Web != nil}
	app.Get("/*", web.handle)
}
