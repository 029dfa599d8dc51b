-- Conversations can be suspended; automations name channels as Gorgias does.

-- A suspended conversation is left alone, like a handed-over one, but
-- without a hand-over to a person (an automation's "suspend" post-action).
ALTER TABLE conversations DROP CONSTRAINT conversations_state_check;
ALTER TABLE conversations ADD CONSTRAINT conversations_state_check CHECK (state IN ('bot', 'handed_over', 'suspended'));

-- Automations name channels by Gorgias's channel slugs.
UPDATE automations SET channels = array_replace(array_replace(array_replace(channels,
    'facebook_messenger', 'facebook-messenger'), 'instagram_direct', 'instagram-direct-message'), 'instagram', 'instagram-comment')
WHERE channels && ARRAY['facebook_messenger', 'instagram_direct', 'instagram'];
