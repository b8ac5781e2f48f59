/** Request and instance decorations added by the web app's plugins. */
import type { ContentCatalogue } from '../learning/types.js';
import type { PlanCatalogue } from '../learning/content/plans.js';
import type { PublicUser } from '../accounts/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    content: ContentCatalogue;
    plans: PlanCatalogue;
  }

  interface FastifyRequest {
    /** The signed-in account with its effective plan, or null. Set by the sessions plugin. */
    user: PublicUser | null;
    /** Id of the server-side session row, or null when signed out. */
    sessionId: string | null;
  }

  interface FastifyReply {
    /**
     * Renders a Nunjucks template from src/web/views with auto-escaping. The context
     * always has `user`, `csrfToken`, `path` and `assetUrl(name)` besides what is passed.
     */
    view(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}
